namespace Relax.Cluster;

/// <summary>
/// The bookkeeping of a run's coordinator (<see cref="RunCoordinatorGrain"/>), without a clock of its own: units queue in
/// offer order; a worker takes some under a lease of <see cref="ClusterTimings.LeaseTime"/> from the time it takes or
/// renews them; a lease not renewed in time goes back to the front of the queue; only a worker that was given a unit,
/// under that attempt, can complete it, and a completed unit leaves the queue even when its lease had lapsed. Every
/// time-dependent call takes the time, so tests can drive it to the millisecond.
/// </summary>
internal sealed class LeaseBook
{
    private readonly LinkedList<WorkItem> _queue = new();
    private readonly Dictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string Worker, int Attempt)>> _given = new(StringComparer.Ordinal);

    /// <summary>Units waiting for a worker.</summary>
    public int Queued => _queue.Count;

    /// <summary>Units a worker holds.</summary>
    public int Leased => _held.Count;

    /// <summary>Leases that lapsed and went back to the queue.</summary>
    public int ExpiredLeases { get; private set; }

    /// <summary>Completions refused: their sender was not given that unit under that attempt.</summary>
    public int RefusedResults { get; private set; }

    /// <summary>Queues the units not known yet (a known one, queued, leased or finished, is ignored).</summary>
    public void Offer(IEnumerable<WorkItem> items)
    {
        foreach (var item in items)
        {
            if (_known.Add(item.UnitId))
            {
                _queue.AddLast(item);
            }
        }
    }

    /// <summary>Re-queues lapsed leases, then leases up to <paramref name="max"/> units to <paramref name="worker"/>
    /// until <paramref name="now"/> + the lease time, each with its next attempt number.</summary>
    public List<WorkItem> Take(string worker, int max, DateTime now)
    {
        ReissueExpired(now);
        var items = new List<WorkItem>();
        while (items.Count < max && _queue.First is { } first)
        {
            _queue.RemoveFirst();
            var leased = first.Value with { Attempt = first.Value.Attempt + 1, LeasedAt = now };
            _held[leased.UnitId] = new Held(leased, worker, now + ClusterTimings.LeaseTime);
            if (!_given.TryGetValue(leased.UnitId, out var given))
            {
                _given[leased.UnitId] = given = [];
            }
            given.Add((worker, leased.Attempt));
            items.Add(leased);
        }
        return items;
    }

    /// <summary>Extends the leases <paramref name="worker"/> holds among <paramref name="unitIds"/> to one lease time
    /// after <paramref name="now"/> (not after their old expiry).</summary>
    public void Renew(string worker, IEnumerable<string> unitIds, DateTime now)
    {
        foreach (var id in unitIds)
        {
            if (_held.TryGetValue(id, out var held) && held.Worker == worker)
            {
                _held[id] = held with { Expires = now + ClusterTimings.LeaseTime };
            }
        }
    }

    /// <summary>Takes a unit's result: true when its sender was given the unit under that attempt (the unit's lease
    /// ends and a copy queued again after a lapse is dropped); false, and counted, otherwise.</summary>
    public bool Complete(WorkResult result)
    {
        if (!_given.TryGetValue(result.UnitId, out var given) || !given.Contains((result.Worker, result.Attempt)))
        {
            RefusedResults++;
            return false;
        }
        _held.Remove(result.UnitId);
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (node.Value.UnitId == result.UnitId)
            {
                _queue.Remove(node);
                break;
            }
        }
        return true;
    }

    /// <summary>Forgets a unit the client has received (a late offer of it is then new again, and dropped by the client).</summary>
    public void Forget(string unitId)
    {
        _known.Remove(unitId);
        _given.Remove(unitId);
    }

    /// <summary>Leases that lapsed by <paramref name="now"/> go back to the front of the queue, oldest first.</summary>
    public void ReissueExpired(DateTime now)
    {
        foreach (var expired in _held.Values.Where(h => h.Expires <= now).OrderByDescending(h => h.Expires).ToList())
        {
            _held.Remove(expired.Item.UnitId);
            _queue.AddFirst(expired.Item);
            ExpiredLeases++;
        }
    }

    private sealed record Held(WorkItem Item, string Worker, DateTime Expires);
}
