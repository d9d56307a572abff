namespace Relax.Cluster;

/// <summary>What a worker has done, from the silo's services (<c>GetRequiredService&lt;IClusterWorkerStatus&gt;()</c>).</summary>
public interface IClusterWorkerStatus
{
    /// <summary>The worker's name.</summary>
    string Name { get; }

    /// <summary>Units it has explained and handed back.</summary>
    int Completed { get; }
}
