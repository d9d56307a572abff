using Orleans.Concurrency;
using Orleans.Placement;

namespace Relax.Cluster;

/// <summary>
/// The coordinator of one run: units queue in offer order; a worker takes some under a lease, renews it while it
/// works, and completes each unit. A lease that is not renewed in time goes back to the front of the queue. Finished
/// units wait here until the client polls them. All state is in memory: a new activation (after its silo died) has
/// a new <c>incarnation</c>, and the client, seeing it, offers again every unit it has not received.
/// Placed on the silo of its first caller: a client that joins as a silo (<c>relax explain --cluster</c> does) hosts
/// its own coordinator, so a worker that dies never takes the queue with it.
/// </summary>
[PreferLocalPlacement]
[Reentrant]
internal sealed class RunCoordinatorGrain(ILocalSiloDetails silo) : Grain, IRunCoordinatorGrain
{
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly LeaseBook _book = new();
    private readonly Dictionary<string, WorkResult> _finished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mismatches = new(StringComparer.Ordinal);
    private RunSpec? _spec;

    public Task<long> Open(RunSpec spec)
    {
        _spec = spec;
        return Task.FromResult(_incarnation);
    }

    public Task<long> Offer(WorkItem[] items)
    {
        _book.Offer(items);
        return Task.FromResult(_incarnation);
    }

    public Task<Lease> Take(string worker, int max)
    {
        var now = DateTime.UtcNow;
        _workers[worker] = now;
        if (_spec is null)
        {
            return Task.FromResult(new Lease(null, []));
        }
        return Task.FromResult(new Lease(_spec, [.. _book.Take(worker, max, now)]));
    }

    public Task Renew(string worker, string[] unitIds)
    {
        var now = DateTime.UtcNow;
        _workers[worker] = now;
        _book.Renew(worker, unitIds, now);
        return Task.CompletedTask;
    }

    public Task Complete(WorkResult result)
    {
        _workers[result.Worker] = DateTime.UtcNow;
        // Only a worker that was given this unit, under this attempt, may complete it (a late result of an expired
        // lease still counts: at least once, first result kept). Anything else is dropped and counted.
        if (_book.Complete(result))
        {
            _finished.TryAdd(result.UnitId, result);
        }
        _arrived.TrySetResult();
        return Task.CompletedTask;
    }

    public Task ReportMismatch(string worker, string reason)
    {
        _workers[worker] = DateTime.UtcNow;
        _mismatches[worker] = reason;
        return Task.CompletedTask;
    }

    public async Task<RunStatus> Poll(int maxResults, string[] received)
    {
        // Received: forgotten, so the grain's memory follows the window, not the corpus (a late duplicate is
        // delivered again and the client drops it).
        foreach (var id in received)
        {
            _finished.Remove(id);
            _book.Forget(id);
        }
        // A long poll: with nothing finished, wait up to 200 ms for the first result rather than have the client spin.
        // (The grain is reentrant: every method runs to completion between awaits, and only this one awaits.)
        if (_finished.Count == 0)
        {
            if (_arrived.Task.IsCompleted)
            {
                _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            await Task.WhenAny(_arrived.Task, Task.Delay(200));
        }
        var now = DateTime.UtcNow;
        _book.ReissueExpired(now);
        // Workers not heard from for a while (gone, or busy with another run) leave the status.
        foreach (var gone in _workers.Where(w => now - w.Value > ClusterTimings.RunExpiry).Select(w => w.Key).ToList())
        {
            _workers.Remove(gone);
        }
        var results = _finished.Values.Take(maxResults).ToArray();
        return new RunStatus(_incarnation, results, _book.Queued, _book.Leased, [.. _workers.Keys.Order(StringComparer.Ordinal)],
            [.. _mismatches.Select(m => $"{m.Key}: {m.Value}")], _book.ExpiredLeases, _book.RefusedResults, [.. _mismatches.Keys]);
    }

    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
