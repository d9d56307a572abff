namespace Relax.Runs;

/// <summary>What evaluating one clip produced.</summary>
/// <param name="Clip">Curves, scores and correlations (what <c>result.json</c> holds).</param>
/// <param name="Maps">Each explainer's map, in <see cref="ClipEvaluation.Explainers"/> order.</param>
public sealed record EvaluatedClip(ClipEvaluation Clip, IReadOnlyList<float[,]> Maps);
