namespace Relax.Cluster;

/// <summary>What the client learns on each poll: the coordinator's incarnation (a new one has lost its queue),
/// finished units, the queue's state, the workers seen, the mismatches reported, leases that lapsed and results
/// refused because their sender was not given that unit under that attempt.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunStatus(
    [property: Id(0)] long Incarnation,
    [property: Id(1)] WorkResult[] Results,
    [property: Id(2)] int Queued,
    [property: Id(3)] int Leased,
    [property: Id(4)] string[] Workers,
    [property: Id(5)] string[] Mismatches,
    [property: Id(6)] int ExpiredLeases = 0,
    [property: Id(7)] int RefusedResults = 0,
    [property: Id(8)] string[]? MismatchedWorkers = null);
