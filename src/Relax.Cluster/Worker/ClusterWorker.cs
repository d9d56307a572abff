using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Relax.Cluster;

/// <summary>
/// The work loop of a silo that explains: it pulls units from the open runs under leases (corpus units to explain,
/// clips to evaluate), computes each off the Orleans scheduler (a dedicated thread, so CPU-bound work never starves
/// the runtime's own messages and probes), completes it, and renews its leases twice a second from a separate loop. It leases about half a second of work at a
/// time, measured on its own recent units, so a slow and a fast worker both stay busy to the end.
/// </summary>
internal sealed partial class ClusterWorker(IGrainFactory grains, ClusterWorkerOptions options, ILogger<ClusterWorker> logger) : BackgroundService, IClusterWorkerStatus
{
    private readonly Dictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly Lock _held = new();
    private readonly Dictionary<string, List<string>> _leases = new(StringComparer.Ordinal);
    private double _secondsPerUnit = 1;
    private int _completed;

    /// <inheritdoc />
    public int Completed => Volatile.Read(ref _completed);

    /// <inheritdoc />
    public string Name => options.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewals = RenewLoop(stoppingToken);
        var directory = grains.GetGrain<IRunDirectoryGrain>(0);
        var runsRead = DateTime.MinValue;
        string[] runs = [];
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked = false;
            if (DateTime.UtcNow - runsRead > ClusterTimings.HeartbeatEvery)
            {
                runsRead = DateTime.UtcNow;
                try
                {
                    runs = await directory.ActiveRuns().WaitAsync(ClusterTimings.DirectoryDeadline, stoppingToken);
                    // Runs that closed or expired are forgotten with their rebuilt settings (an evaluator holds explainers).
                    foreach (var closed in _runs.Keys.Except(runs, StringComparer.Ordinal).ToList())
                    {
                        _runs.Remove(closed);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The directory's silo died: keep working on the runs already known until it is back.
                    CallFailed(logger, options.Name, e);
                }
            }
            foreach (var runId in runs)
            {
                try
                {
                    worked |= await WorkOn(runId, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A run whose client went away, or a call that outlived its deadline: the other runs go on.
                    CallFailed(logger, options.Name, e);
                }
            }
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            if (!worked)
            {
                try
                {
                    await Task.Delay(ClusterTimings.IdleWait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Leases and explains one batch of a run's units; false when there was nothing to do.</summary>
    private async Task<bool> WorkOn(string runId, CancellationToken stoppingToken)
    {
        var run = grains.GetGrain<IRunCoordinatorGrain>(runId);
        if (_runs.TryGetValue(runId, out var known) && known.Mismatch is not null)
        {
            return false;
        }
        int wanted = Math.Clamp((int)(ClusterTimings.LeaseBatchTarget.TotalSeconds / Math.Max(1e-6, _secondsPerUnit)), 1, 64);
        // A run seen for the first time is only asked for its settings (0 units): a worker that cannot run them must
        // not hold any of its units.
        bool firstContact = known is null;
        var lease = await run.Take(options.Name, firstContact ? 0 : wanted).WaitAsync(ClusterTimings.CallDeadline, stoppingToken);
        if (lease.Spec is not { } spec)
        {
            return false;
        }
        if (known is null || RunSpecs.Key(known.Spec) != RunSpecs.Key(spec))
        {
            known = RunState.For(spec, options);
            _runs[runId] = known;
            if (known.Mismatch is not null)
            {
                CannotWorkOn(logger, options.Name, runId, known.Mismatch);
                await run.ReportMismatch(options.Name, known.Mismatch).WaitAsync(ClusterTimings.CallDeadline, stoppingToken);
                return false;
            }
        }
        if (lease.Items.Length == 0)
        {
            return firstContact; // after the first contact, lease at once
        }
        lock (_held)
        {
            _leases[runId] = [.. lease.Items.Select(i => i.UnitId)];
        }
        try
        {
            // The batch is explained on one dedicated thread; each result is handed back while the next unit
            // computes, so messaging overlaps compute. A unit that fails is reported, not retried: it would fail on
            // every worker (a broken example), and the client stops the run with its message.
            var state = known;
            var completions = new List<Task>();
            var results = System.Threading.Channels.Channel.CreateUnbounded<WorkResult>();
            var compute = Task.Factory.StartNew(() =>
            {
                try
                {
                    foreach (var item in lease.Items)
                    {
                        stoppingToken.ThrowIfCancellationRequested();
                        var clock = Stopwatch.StartNew();
                        WorkResult result;
                        try
                        {
                            result = new WorkResult(item.UnitId, options.Name, state.Compute!(item, stoppingToken), item.Attempt, item.LeasedAt);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            result = Failed(item, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
                        }
                        _secondsPerUnit = 0.7 * _secondsPerUnit + 0.3 * clock.Elapsed.TotalSeconds;
                        results.Writer.TryWrite(result);
                    }
                }
                finally
                {
                    results.Writer.TryComplete();
                }
            }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            // Results already computed are handed back even while the worker stops (they are not thrown away).
            await foreach (var result in results.Reader.ReadAllAsync(CancellationToken.None))
            {
                completions.Add(Complete(run, result, stoppingToken));
            }
            await Task.WhenAll(completions);
            await compute;
            return true;
        }
        finally
        {
            // Whatever happened, this worker holds none of the batch any more: units it did not hand back are no
            // longer renewed, so their leases lapse and they are re-issued.
            lock (_held)
            {
                _leases.Remove(runId);
            }
        }
    }

    private async Task Complete(IRunCoordinatorGrain run, WorkResult result, CancellationToken stoppingToken)
    {
        await CompleteWithRetries(run, result, stoppingToken);
        if (result.Error is null)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    private WorkResult Failed(WorkItem item, string error) => new(item.UnitId, options.Name, null, item.Attempt, item.LeasedAt, error);

    /// <summary>Completes a unit, retrying a few times: a coordinator that moved after its silo died comes back empty
    /// but still takes the result (the client has not received it and accepts it).</summary>
    private async Task CompleteWithRetries(IRunCoordinatorGrain run, WorkResult result, CancellationToken stoppingToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await run.Complete(result).WaitAsync(ClusterTimings.CallDeadline, CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 4 && e is TimeoutException or OrleansException)
            {
                CallFailed(logger, options.Name, e);
                await Task.Delay(ClusterTimings.IdleWait * attempt, CancellationToken.None);
            }
        }
    }

    private async Task RenewLoop(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ClusterTimings.RenewEvery, stoppingToken);
                List<(string Run, string[] Units)> held;
                lock (_held)
                {
                    held = [.. _leases.Where(l => l.Value.Count > 0).Select(l => (l.Key, l.Value.ToArray()))];
                }
                // All runs at once, each with a deadline well inside a lease: one run whose client died must not let
                // the others' leases lapse.
                await Task.WhenAll(held.Select(h => grains.GetGrain<IRunCoordinatorGrain>(h.Run).Renew(options.Name, h.Units)
                    .WaitAsync(ClusterTimings.RenewDeadline, stoppingToken)
                    .ContinueWith(t => { _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                CallFailed(logger, options.Name, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Relax worker {Name}: a call to the cluster failed; trying again")]
    private static partial void CallFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relax worker {Name} cannot work on run {Run}: {Reason}")]
    private static partial void CannotWorkOn(ILogger logger, string name, string run, string reason);

    /// <summary>A run as this worker sees it: how it computes a unit, or why it cannot work on it.</summary>
    private sealed record RunState(RunSpec Spec, UnitComputation? Compute, string? Mismatch)
    {
        public static RunState For(RunSpec spec, ClusterWorkerOptions worker)
        {
            var problems = RunSpecs.ModelMismatches(spec, worker.Model);
            if (problems.Count == 0)
            {
                try
                {
                    return new RunState(spec, ClusterJobs.Worker(spec.Recipe, worker), null);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Also a malformed spec (missing fields from another build or a hostile peer): refused, not retried.
                    problems.Add($"it cannot rebuild the run's settings: {e.Message}");
                }
            }
            return new RunState(spec, null, string.Join("; ", problems));
        }
    }
}
