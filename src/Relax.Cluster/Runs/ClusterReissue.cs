namespace Relax.Cluster;

/// <summary>A unit that was leased again after its lease expired.</summary>
/// <param name="UnitId">The unit.</param>
/// <param name="Attempt">Which lease finished it (2 or more).</param>
/// <param name="LeasedAt">When that lease was handed out (UTC, the coordinator's clock).</param>
/// <param name="Worker">The worker that finished it.</param>
public sealed record ClusterReissue(string UnitId, int Attempt, DateTime LeasedAt, string Worker);
