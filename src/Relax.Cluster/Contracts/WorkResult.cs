namespace Relax.Cluster;

/// <summary>One finished unit: what it produced and which worker made it; or, with <c>Error</c> set and no output,
/// why the worker could not compute it.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkResult(
    [property: Id(0)] string UnitId,
    [property: Id(1)] string Worker,
    [property: Id(2)] UnitOutput? Output,
    [property: Id(3)] int Attempt,
    [property: Id(4)] DateTime LeasedAt,
    [property: Id(5)] string? Error = null);
