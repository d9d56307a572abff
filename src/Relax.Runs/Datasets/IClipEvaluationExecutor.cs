namespace Relax.Runs;

/// <summary>
/// Evaluates the clips of a dataset for <see cref="DatasetEvaluator.RunAsync"/>: in this process
/// (<see cref="LocalClipEvaluationExecutor"/>) or elsewhere (the workers of a cluster). Whatever runs a clip must compute
/// <see cref="DatasetEvaluator.EvaluateClip"/> with the same settings (the same <see cref="DatasetEvaluator.Fingerprint"/>),
/// so that results do not depend on where it ran; the runner checks the fingerprint of every clip it receives.
/// </summary>
public interface IClipEvaluationExecutor
{
    /// <summary>How many clips the runner keeps in flight at most (1 evaluates them one after another).</summary>
    int Window { get; }

    /// <summary>Evaluates one clip.</summary>
    /// <param name="work">The clip.</param>
    /// <param name="stages">Told each stage as it starts ("explain relax", "flip mean", "audio"), when the executor can say.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The clip's results and its maps.</returns>
    Task<EvaluatedClip> EvaluateAsync(ClipWork work, IProgress<string>? stages, CancellationToken cancellationToken);
}

/// <summary>One clip of a dataset as an executor sees it.</summary>
/// <param name="Item">The item.</param>
/// <param name="Donor">The next item's input when <see cref="DatasetEvaluationOptions.UseOtherInputReplacement"/> is on; else null.</param>
public sealed record ClipWork(EvaluationItem Item, float[,]? Donor);

/// <summary>What evaluating one clip produced.</summary>
/// <param name="Clip">Curves, scores and correlations (what <c>result.json</c> holds).</param>
/// <param name="Maps">Each explainer's map, in <see cref="ClipEvaluation.Explainers"/> order.</param>
public sealed record EvaluatedClip(ClipEvaluation Clip, IReadOnlyList<float[,]> Maps);

/// <summary>Evaluates clips in this process, one after another: what <see cref="DatasetEvaluator.Run"/> uses.</summary>
/// <param name="evaluator">The evaluator whose settings the clips are computed with.</param>
public sealed class LocalClipEvaluationExecutor(DatasetEvaluator evaluator) : IClipEvaluationExecutor
{
    private readonly DatasetEvaluator _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));

    /// <inheritdoc />
    public int Window => 1;

    /// <inheritdoc />
    public Task<EvaluatedClip> EvaluateAsync(ClipWork work, IProgress<string>? stages, CancellationToken cancellationToken) =>
        Task.FromResult(_evaluator.EvaluateClip(work, stages, cancellationToken));
}
