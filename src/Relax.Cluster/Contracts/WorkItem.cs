namespace Relax.Cluster;

/// <summary>One unit of work and its lease: the payload, and which lease of it this is.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkItem(
    [property: Id(0)] string UnitId,
    [property: Id(1)] UnitInput Input,
    [property: Id(2)] int Attempt = 0,
    [property: Id(3)] DateTime LeasedAt = default);
