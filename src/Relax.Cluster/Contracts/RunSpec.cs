namespace Relax.Cluster;

/// <summary>What every worker of a run must compute with: the model it must run and what its units are (the recipe),
/// as the client asked for them. Workers that run another model, dtype or device, or cannot rebuild the recipe, report
/// a mismatch instead of computing.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Model,
    [property: Id(2)] string DType,
    [property: Id(3)] string Device,
    [property: Id(4)] UnitRecipe Recipe);
