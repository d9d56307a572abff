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
internal sealed class ExplainRunGrain(ILocalSiloDetails silo) : Grain, IExplainRunGrain
{
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly LinkedList<WorkItem> _queue = new();
    private readonly Dictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkResult> _finished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mismatches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private int _expiredLeases;
    private RunSpec? _spec;

    public Task<long> Open(RunSpec spec)
    {
        _spec = spec;
        return Task.FromResult(_incarnation);
    }

    public Task<long> Offer(WorkItem[] items)
    {
        foreach (var item in items)
        {
            if (_known.Add(item.UnitId))
            {
                _queue.AddLast(item);
            }
        }
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
        ReissueExpired(now);
        var items = new List<WorkItem>();
        while (items.Count < max && _queue.First is { } first)
        {
            _queue.RemoveFirst();
            var leased = first.Value with { Attempt = first.Value.Attempt + 1, LeasedAt = now };
            _held[leased.UnitId] = new Held(leased, worker, now + ClusterTimings.LeaseTime);
            items.Add(leased);
        }
        return Task.FromResult(new Lease(_spec, [.. items]));
    }

    public Task Renew(string worker, string[] unitIds)
    {
        var now = DateTime.UtcNow;
        _workers[worker] = now;
        foreach (var id in unitIds)
        {
            if (_held.TryGetValue(id, out var held) && held.Worker == worker)
            {
                _held[id] = held with { Expires = now + ClusterTimings.LeaseTime };
            }
        }
        return Task.CompletedTask;
    }

    public Task Complete(WorkResult result)
    {
        _workers[result.Worker] = DateTime.UtcNow;
        _held.Remove(result.UnitId);
        // A unit re-issued after its lease expired may still be queued: drop it there (its result is here now).
        if (_known.Contains(result.UnitId) && !_held.ContainsKey(result.UnitId))
        {
            for (var node = _queue.First; node is not null; node = node.Next)
            {
                if (node.Value.UnitId == result.UnitId)
                {
                    _queue.Remove(node);
                    break;
                }
            }
        }
        _finished.TryAdd(result.UnitId, result);
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
            _known.Remove(id);
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
        ReissueExpired(now);
        // Workers not heard from for a while (gone, or busy with another run) leave the status.
        foreach (var gone in _workers.Where(w => now - w.Value > ClusterTimings.RunExpiry).Select(w => w.Key).ToList())
        {
            _workers.Remove(gone);
        }
        var results = _finished.Values.Take(maxResults).ToArray();
        return new RunStatus(_incarnation, results, _queue.Count, _held.Count, [.. _workers.Keys.Order(StringComparer.Ordinal)],
            [.. _mismatches.Select(m => $"{m.Key}: {m.Value}")], _expiredLeases);
    }

    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>Leases not renewed in time go back to the front of the queue, oldest first.</summary>
    private void ReissueExpired(DateTime now)
    {
        foreach (var expired in _held.Values.Where(h => h.Expires <= now).OrderByDescending(h => h.Expires).ToList())
        {
            _held.Remove(expired.Item.UnitId);
            _queue.AddFirst(expired.Item);
            _expiredLeases++;
        }
    }

    private sealed record Held(WorkItem Item, string Worker, DateTime Expires);
}

/// <summary>The open runs, each with the time its client last registered it (placed with its first caller, like the
/// coordinators; if its silo goes, the next call makes a new one and clients register again within a second).</summary>
[PreferLocalPlacement]
internal sealed class RunDirectoryGrain : Grain, IRunDirectoryGrain
{
    private readonly Dictionary<string, DateTime> _runs = new(StringComparer.Ordinal);

    public Task Register(string runId)
    {
        _runs[runId] = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public Task Unregister(string runId)
    {
        _runs.Remove(runId);
        return Task.CompletedTask;
    }

    public Task<string[]> ActiveRuns()
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _runs.Where(r => now - r.Value > ClusterTimings.RunExpiry).Select(r => r.Key).ToList())
        {
            _runs.Remove(stale);
        }
        return Task.FromResult(_runs.Keys.Order(StringComparer.Ordinal).ToArray());
    }
}
