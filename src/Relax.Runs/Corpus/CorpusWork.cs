namespace Relax.Runs;

/// <summary>One unit of a corpus as an executor sees it: an example, a mask kind and the unit's own seed
/// (<see cref="CorpusSeeds.ForExample"/>).</summary>
/// <param name="UnitId">The unit's folder under the output, <c>&lt;recording&gt;/example-NNN/&lt;kind&gt;</c>: unique in the corpus.</param>
/// <param name="Input">The log-mel example (96 × 64).</param>
/// <param name="MaskKind">The mask generator's name (<see cref="IMaskGenerator.Name"/>).</param>
/// <param name="Seed">The unit's seed.</param>
public sealed record CorpusWork(string UnitId, float[,] Input, string MaskKind, long Seed);
