namespace Relax.Cluster;

/// <summary>Which runs are open (one grain, key 0): clients register theirs every second, workers read the list.</summary>
internal interface IRunDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Marks a run alive for <see cref="ClusterTimings.RunExpiry"/>.</summary>
    Task Register(string runId);

    /// <summary>Removes a finished run.</summary>
    Task Unregister(string runId);

    /// <summary>The runs registered within <see cref="ClusterTimings.RunExpiry"/>.</summary>
    Task<string[]> ActiveRuns();
}
