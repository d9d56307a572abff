using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Relax.Cluster;

namespace Relax.Cli;

/// <summary>The cluster a command reaches (<c>--cluster HOST:PORT</c> and the secret from the environment) and whether
/// Orleans' own log lines are shown (<c>--verbose</c>). Prints as the address alone, so no message shows the secret.</summary>
internal sealed record ClusterTarget(ClusterAccess Access, bool Verbose)
{
    /// <inheritdoc />
    public override string ToString() => Access.ToString();
}

/// <summary>The command line's side of a cluster: the <c>--cluster</c> address, joining through <see cref="ClusterNode"/>
/// with one line when it fails, and a run's lines (which workers take work, which cannot, and what happened).</summary>
internal static class ClusterConnection
{
    /// <summary>Checks <c>HOST:PORT</c> and reads the cluster's secret from the environment.</summary>
    /// <exception cref="CliException">A malformed address, or a secret file that cannot be read or is empty.</exception>
    public static ClusterTarget Address(string value, bool verbose)
    {
        if (!ClusterAccess.IsAddress(value))
        {
            throw new CliException($"--cluster {value}: give Redis's address as HOST:PORT, for example 10.0.0.5:6379.");
        }
        try
        {
            return new ClusterTarget(ClusterAccess.FromEnvironment(value), verbose);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>Joins the cluster as a silo, or says in one line why it cannot (and what to do: <paramref name="advice"/>).</summary>
    /// <exception cref="CliException">Joining failed.</exception>
    public static ClusterNode Join(ClusterTarget target, string? advertise, ClusterNodeOptions options, string advice)
    {
        try
        {
            return ClusterNode.JoinAsync(target.Access, options with
            {
                Advertise = Advertised(target.Access.Redis, advertise),
                Logging = logging => Quiet(logging, target.Verbose),
            }).GetAwaiter().GetResult();
        }
        catch (ClusterJoinException e)
        {
            throw new CliException(e.SecretRefused ? e.Message : $"{e.Message} {advice}", e);
        }
    }

    /// <summary>One cluster run from the command line: joins as a silo (which hosts the run's coordinator), makes the
    /// executor, runs the job, says which workers take work (and warns once when none has for 30 s), prints units per
    /// worker and re-issues, and turns a refused worker or a silent cluster into one line.</summary>
    /// <param name="target">The cluster.</param>
    /// <param name="advertise">The address workers reach this process at, or null to choose.</param>
    /// <param name="options">The model, window and keep probability (status and coordinator placement are added here).</param>
    /// <param name="create">Makes the executor on the client.</param>
    /// <param name="job">Runs the job through the executor.</param>
    /// <param name="unit">What a unit is called in messages ("unit", "clip").</param>
    /// <param name="context">Where lines go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static T Run<TExecutor, T>(ClusterTarget target, string? advertise, ClusterRunOptions options, Func<IClusterClient, ClusterRunOptions, TExecutor> create,
        Func<TExecutor, Task<T>> job, string unit, CliContext context, CancellationToken cancellationToken) where TExecutor : IClusterRun
    {
        var node = Join(target, advertise, new ClusterNodeOptions(), $"Start redis-server there and at least one `relax worker --cluster {target}` first.");
        try
        {
            var watch = new ClusterRunWatch
            {
                WorkerRefused = (worker, why) => context.Error.WriteLine($"relax: warning: worker {worker} cannot run this run's {unit}s and takes none ({why}); the run goes on with the others."),
                WorkerTakingWork = worker => context.Error.WriteLine($"relax: worker {worker} is taking work"),
                NoWorkerTakingWork = () => context.Error.WriteLine($"relax: warning: no worker has taken work for 30 s; start `relax worker --cluster {target}` with the same model, dtype and device (the run waits for one)."),
            };
            var executor = create(node.Client, node.HostCoordinator(options with { Status = watch }));
            try
            {
                context.Output.WriteLine($"Cluster: Redis at {target}; run {executor.RunId}; up to {options.Window} {unit}(s) in flight.");
                executor.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).GetAwaiter().GetResult();
                var result = job(executor).GetAwaiter().GetResult();
                Report(executor, unit, context.Output);
                return result;
            }
            catch (Exception e) when (e is ClusterMismatchException or InvalidOperationException)
            {
                throw new CliException(e.Message);
            }
            catch (TimeoutException)
            {
                throw new CliException($"the cluster at {target} did not answer in time (each call waits 5 s); is Redis reachable and a worker up?");
            }
            finally
            {
                executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            if (!node.LeaveAsync().GetAwaiter().GetResult())
            {
                context.Error.WriteLine($"relax: warning: could not leave the cluster cleanly within 15 s (is Redis at {target} reachable?); the results are written.");
            }
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Units per worker, re-issues, coordinator restarts and refused results, once the run is over.</summary>
    private static void Report(IClusterRun executor, string unit, TextWriter output)
    {
        output.WriteLine($"{char.ToUpperInvariant(unit[0])}{unit[1..]}s per worker: {string.Join(", ", executor.CompletedByWorker.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value}"))}.");
        if (executor.Reissues is { Count: > 0 } reissues)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Re-issued after their worker stopped: {reissues.Count} {unit}(s), the first at {reissues.Min(r => r.LeasedAt):O}; the coordinator restarted {executor.CoordinatorRestarts} time(s)."));
        }
        else if (executor.CoordinatorRestarts > 0)
        {
            output.WriteLine($"The coordinator restarted {executor.CoordinatorRestarts} time(s); its {unit}s were offered again.");
        }
        if (executor.RefusedResults > 0)
        {
            output.WriteLine($"Refused {executor.RefusedResults} result(s) from senders that had not been given those {unit}s.");
        }
    }

    /// <summary>Relax's own lines only: Orleans' and the host's log lines (a failed join logs dozens, with stack traces,
    /// before the one line that says what to do) are shown only with <c>--verbose</c>, from warning level up, on
    /// standard error (progress and results own standard output).</summary>
    private static void Quiet(ILoggingBuilder logging, bool verbose)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(verbose ? LogLevel.Warning : LogLevel.None);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>The address other members reach this machine at: <c>--advertise</c>, else
    /// <see cref="ClusterNode.AdvertisedAddress"/>.</summary>
    /// <exception cref="CliException">Not an IP address, or none to choose.</exception>
    public static IPAddress Advertised(string redis, string? given)
    {
        if (given is not null)
        {
            return IPAddress.TryParse(given, out var address) ? address : throw new CliException($"--advertise {given}: give an IP address.");
        }
        return ClusterNode.AdvertisedAddress(redis) ?? throw new CliException("No network address found to offer the cluster; give one with --advertise IP.");
    }
}
