using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relax.Cluster;
using StackExchange.Redis;

namespace Relax.Cli;

/// <summary>How this process reaches a cluster: Redis's address (where membership lives), the cluster's secret (from
/// the environment, never the command line, which every user of the machine can read), and whether Orleans' own log
/// lines are shown (<c>--verbose</c>). Prints as the address alone, so no message shows the secret.</summary>
internal sealed record ClusterAccess(string Redis, string? Secret, bool Verbose)
{
    /// <inheritdoc />
    public override string ToString() => Redis;
}

/// <summary>The command line's side of a cluster: the <c>--cluster HOST:PORT</c> address and the secret, a client host
/// that fails with one line, and the addresses and ports a worker offers.</summary>
internal static class ClusterConnection
{
    /// <summary>The environment variable that holds the cluster's secret.</summary>
    public const string SecretVariable = "RELAX_CLUSTER_SECRET";

    /// <summary>The environment variable that names a file holding the cluster's secret (for service managers).</summary>
    public const string SecretFileVariable = "RELAX_CLUSTER_SECRET_FILE";

    /// <summary>The longest secret file read.</summary>
    private const long MaxSecretFileBytes = 4096;

    /// <summary>Checks <c>HOST:PORT</c> and reads the cluster's secret from the environment.</summary>
    /// <exception cref="CliException">A malformed address, or a secret file that cannot be read or is empty.</exception>
    public static ClusterAccess Address(string value, bool verbose)
    {
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new CliException($"--cluster {value}: give Redis's address as HOST:PORT, for example 10.0.0.5:6379.");
        }
        return new ClusterAccess(value, Secret(), verbose);
    }

    /// <summary>The cluster's secret: <c>$RELAX_CLUSTER_SECRET</c>, else the content of the file
    /// <c>$RELAX_CLUSTER_SECRET_FILE</c> names (trimmed), else none (an open cluster, for one machine).</summary>
    private static string? Secret()
    {
        if (Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } secret)
        {
            return secret;
        }
        if (Environment.GetEnvironmentVariable(SecretFileVariable) is not { Length: > 0 } file)
        {
            return null;
        }
        try
        {
            Relax.IO.InputFile.Check(file, MaxSecretFileBytes, "a file holding the cluster's secret");
            var text = File.ReadAllText(file).Trim();
            return text.Length > 0 ? text : throw new CliException($"${SecretFileVariable}: {file} holds only white space; put the cluster's secret in it.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"${SecretFileVariable}: {e.Message}", e);
        }
    }

    /// <summary>A started silo that joins the cluster without explaining (the client's own: it hosts the run's
    /// coordinator, so no worker's death takes the queue with it), or one line saying why there is none.</summary>
    public static async Task<IHost> JoinAsync(ClusterAccess redis, string? advertise, TimeSpan timeout)
    {
        await AwaitMembershipAsync(redis, timeout, $"Start redis-server there and at least one `relax worker --cluster {redis}` first.").ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder([]);
        Quiet(builder.Logging, redis.Verbose);
        var address = Advertised(redis.Redis, advertise);
        builder.UseOrleans(silo => silo.UseRelaxRedisCluster(redis.Redis, address, FreePort(), FreePort(), redis.Secret).ConfigureRelaxTimings());
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(timeout);
            return host;
        }
        catch (Exception e) when (e is RedisConnectionException or TimeoutException or OrleansException or InvalidOperationException or SocketException)
        {
            host.Dispose();
            throw new CliException(JoinFailure(redis, e, $"Start redis-server there and at least one `relax worker --cluster {redis}` first."));
        }
    }

    /// <summary>Checks that Redis takes the secret, and gives a table that Redis lost (restarted empty) a moment to be
    /// restored by the running members before this process joins (<see cref="RelaxClusterHosting.AwaitMembershipTableAsync"/>).</summary>
    /// <exception cref="CliException">Redis cannot be reached or refuses the secret; one line.</exception>
    public static async Task AwaitMembershipAsync(ClusterAccess redis, TimeSpan timeout, string advice)
    {
        try
        {
            await RelaxClusterHosting.AwaitMembershipTableAsync(redis.Redis, redis.Secret, TimeSpan.FromSeconds(5)).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or SocketException)
        {
            throw new CliException(JoinFailure(redis, e, advice), e);
        }
    }

    /// <summary>Why joining failed, in one line: a refused password says where the secret goes.</summary>
    public static string JoinFailure(ClusterAccess redis, Exception e, string advice)
    {
        var message = FirstLine(e.Message);
        bool authentication = false;
        for (Exception? inner = e; inner is not null && !authentication; inner = inner.InnerException)
        {
            authentication = inner is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || inner.Message.Contains("NOAUTH", StringComparison.Ordinal) || inner.Message.Contains("WRONGPASS", StringComparison.Ordinal)
                || inner.Message.Contains("authentication failure", StringComparison.OrdinalIgnoreCase);
        }
        return authentication
            ? $"Redis at {redis} refused {(redis.Secret is null ? "a connection without a password" : "the cluster's secret as its password")}: give every worker and client the secret the cluster was started with in ${SecretVariable} (or a file named by ${SecretFileVariable})."
            : $"cannot join the cluster through Redis at {redis}: {message}. {advice}";
    }

    /// <summary>One cluster run from the command line: joins as a silo (which hosts the run's coordinator), makes the
    /// executor, runs the job, says which workers take work (and warns once when none has for 30 s), prints units per
    /// worker and re-issues, and turns a refused worker or a silent cluster into one line.</summary>
    /// <param name="redis">Redis's address.</param>
    /// <param name="advertise">The address workers reach this process at, or null to choose.</param>
    /// <param name="options">The model, window and keep probability (status and coordinator placement are added here).</param>
    /// <param name="create">Makes the executor on the client.</param>
    /// <param name="job">Runs the job through the executor.</param>
    /// <param name="unit">What a unit is called in messages ("unit", "clip").</param>
    /// <param name="context">Where lines go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static T Run<TExecutor, T>(ClusterAccess redis, string? advertise, ClusterRunOptions options, Func<IClusterClient, ClusterRunOptions, TExecutor> create,
        Func<TExecutor, Task<T>> job, string unit, CliContext context, CancellationToken cancellationToken) where TExecutor : IClusterRun
    {
        using var host = JoinAsync(redis, advertise, TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        var client = host.Services.GetRequiredService<IClusterClient>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var lastBusy = DateTime.UtcNow;
        bool warned = false;
        var status = new SyncProgress<ClusterStatus>(st =>
        {
            foreach (var (worker, why) in st.Refused.Where(r => refused.Add(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                context.Error.WriteLine($"relax: warning: worker {worker} cannot run this run's {unit}s and takes none ({why}); the run goes on with the others.");
            }
            foreach (var worker in st.Workers.Where(w => !refused.Contains(w)).Where(seen.Add))
            {
                context.Error.WriteLine($"relax: worker {worker} is taking work");
            }
            if (st.Leased > 0 || st.Queued == 0)
            {
                (lastBusy, warned) = (DateTime.UtcNow, false);
            }
            else if (!warned && DateTime.UtcNow - lastBusy > TimeSpan.FromSeconds(30))
            {
                warned = true;
                context.Error.WriteLine($"relax: warning: no worker has taken work for 30 s; start `relax worker --cluster {redis}` with the same model, dtype and device (the run waits for one).");
            }
        });
        var executor = create(client, options with
        {
            Status = status,
            CoordinatorSilo = host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToString(),
        });
        try
        {
            context.Output.WriteLine($"Cluster: Redis at {redis}; run {executor.RunId}; up to {options.Window} {unit}(s) in flight.");
            executor.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).GetAwaiter().GetResult();
            var result = job(executor).GetAwaiter().GetResult();
            context.Output.WriteLine($"{char.ToUpperInvariant(unit[0])}{unit[1..]}s per worker: {string.Join(", ", executor.CompletedByWorker.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value}"))}.");
            if (executor.Reissues is { Count: > 0 } reissues)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Re-issued after their worker stopped: {reissues.Count} {unit}(s), the first at {reissues.Min(r => r.LeasedAt):O}; the coordinator restarted {executor.CoordinatorRestarts} time(s)."));
            }
            else if (executor.CoordinatorRestarts > 0)
            {
                context.Output.WriteLine($"The coordinator restarted {executor.CoordinatorRestarts} time(s); its {unit}s were offered again.");
            }
            if (executor.RefusedResults > 0)
            {
                context.Output.WriteLine($"Refused {executor.RefusedResults} result(s) from senders that had not been given those {unit}s.");
            }
            return result;
        }
        catch (Exception e) when (e is ClusterMismatchException or InvalidOperationException)
        {
            throw new CliException(e.Message);
        }
        catch (TimeoutException)
        {
            throw new CliException($"the cluster at {redis} did not answer in time (each call waits 5 s); is Redis reachable and a worker up?");
        }
        finally
        {
            executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
            // Leaving marks this silo dead in Redis; when Redis cannot be reached that would wait for ever. After 15 s
            // the silo stops without the goodbye (the others declare it dead as they would after a crash).
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                host.StopAsync(patience.Token).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                context.Error.WriteLine($"relax: warning: could not leave the cluster cleanly within 15 s (is Redis at {redis} reachable?); the results are written.");
            }
        }
    }

    /// <summary>Reports on the caller's thread.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Relax's own lines only: Orleans' and the host's log lines (a failed join logs dozens, with stack traces,
    /// before the one line that says what to do) are shown only with <c>--verbose</c>, from warning level up, on
    /// standard error (progress and results own standard output).</summary>
    public static void Quiet(ILoggingBuilder logging, bool verbose)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(verbose ? LogLevel.Warning : LogLevel.None);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>The address other members reach this machine at: loopback when Redis is on this machine's loopback,
    /// else the first up, non-loopback IPv4 address.</summary>
    public static IPAddress Advertised(string redis, string? given)
    {
        if (given is not null)
        {
            return IPAddress.TryParse(given, out var address) ? address : throw new CliException($"--advertise {given}: give an IP address.");
        }
        string host = redis[..redis.LastIndexOf(':')];
        if (host is "localhost" || (IPAddress.TryParse(host, out var redisAddress) && IPAddress.IsLoopback(redisAddress)))
        {
            return IPAddress.Loopback;
        }
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new CliException("No network address found to offer the cluster; give one with --advertise IP.");
    }

    /// <summary>A TCP port free on this machine now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('.', '\r');
}
