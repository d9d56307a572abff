namespace Relax.Cluster;

/// <summary>A corpus unit (about 24 KB): a log-mel example, its mask kind and its seed.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExampleInput(
    [property: Id(0)] string MaskKind,
    [property: Id(1)] long Seed,
    [property: Id(2)] int Height,
    [property: Id(3)] int Width,
    [property: Id(4)] byte[] Values) : UnitInput;
