using Orleans.Placement;

namespace Relax.Cluster;

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
