namespace Relax.Runs;

/// <summary>Computes units in this process, one after another, with the runner's own unit computation: what
/// <see cref="CorpusExplainer.Run"/> (with <see cref="CorpusExplainer.Explain"/>) and <see cref="DatasetEvaluator.Run"/>
/// (with <see cref="DatasetEvaluator.EvaluateClip"/>) use.</summary>
/// <typeparam name="TWork">What a unit carries.</typeparam>
/// <typeparam name="TResult">What a computed unit gives back.</typeparam>
/// <param name="compute">Computes one unit (the unit, its stages' progress or null, the run's token).</param>
public sealed class LocalUnitExecutor<TWork, TResult>(Func<TWork, IProgress<string>?, CancellationToken, TResult> compute) : IUnitExecutor<TWork, TResult>
{
    private readonly Func<TWork, IProgress<string>?, CancellationToken, TResult> _compute = compute ?? throw new ArgumentNullException(nameof(compute));

    /// <inheritdoc />
    public int Window => 1;

    /// <inheritdoc />
    public Task<TResult> RunAsync(TWork work, IProgress<string>? stages, CancellationToken cancellationToken) =>
        Task.FromResult(_compute(work, stages, cancellationToken));
}
