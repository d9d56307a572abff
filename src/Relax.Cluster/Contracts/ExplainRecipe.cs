namespace Relax.Cluster;

/// <summary>RELAX settings and mask kinds of a corpus (every unit brings its own seed).</summary>
[GenerateSerializer, Immutable]
internal sealed record ExplainRecipe(
    [property: Id(0)] int MaskCount,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] string Replacement,
    [property: Id(3)] int Normalization,
    [property: Id(4)] double? ConvergenceTarget,
    [property: Id(5)] int ConvergenceCheckEvery,
    [property: Id(6)] int ConvergenceMinMasks,
    [property: Id(7)] string Similarity,
    [property: Id(8)] string[] MaskKinds,
    [property: Id(9)] string Fingerprint,
    [property: Id(10)] double KeepProbability) : UnitRecipe;
