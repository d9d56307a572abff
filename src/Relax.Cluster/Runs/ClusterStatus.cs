namespace Relax.Cluster;

/// <summary>A cluster run's state as its client sees it.</summary>
/// <param name="InFlight">Units offered and not yet received.</param>
/// <param name="Queued">Units waiting for a worker.</param>
/// <param name="Leased">Units a worker holds.</param>
/// <param name="Workers">Workers that have asked the run for work.</param>
/// <param name="CompletedByWorker">Units received from each worker in this run.</param>
public sealed record ClusterStatus(int InFlight, int Queued, int Leased, IReadOnlyList<string> Workers, IReadOnlyDictionary<string, int> CompletedByWorker)
{
    /// <summary>Workers that cannot run this run's units (another model or dtype), with why; they take none.</summary>
    public IReadOnlyDictionary<string, string> Refused { get; init; } = new Dictionary<string, string>();
}
