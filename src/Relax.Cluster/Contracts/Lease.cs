namespace Relax.Cluster;

/// <summary>What a lease hands a worker: the run's settings (null when the coordinator has not heard from its client
/// since it was activated) and up to the asked number of units.</summary>
[GenerateSerializer, Immutable]
internal sealed record Lease([property: Id(0)] RunSpec? Spec, [property: Id(1)] WorkItem[] Items);
