namespace Relax.Runs;

/// <summary>One clip of a dataset as an executor sees it.</summary>
/// <param name="Item">The item.</param>
/// <param name="Donor">The next item's input when <see cref="DatasetEvaluationOptions.UseOtherInputReplacement"/> is on; else null.</param>
public sealed record ClipWork(EvaluationItem Item, float[,]? Donor);
