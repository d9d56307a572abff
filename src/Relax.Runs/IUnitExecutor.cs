namespace Relax.Runs;

/// <summary>
/// Runs the units of a job for its runner — corpus units (<see cref="CorpusWork"/>) for
/// <see cref="CorpusExplainer.RunAsync"/>, clips (<see cref="ClipWork"/>) for <see cref="DatasetEvaluator.RunAsync"/> —
/// in this process (<see cref="LocalUnitExecutor{TWork, TResult}"/>) or elsewhere (the workers of a cluster:
/// Relax.Cluster's <c>ClusterUnitExecutor</c>). Whatever runs a unit must compute what the runner's own unit
/// computation (<see cref="CorpusExplainer.Explain"/>, <see cref="DatasetEvaluator.EvaluateClip"/>) computes with the
/// same settings, so that results do not depend on where it ran; the runners check every result against its unit
/// before writing it.
/// </summary>
/// <typeparam name="TWork">What a unit carries to whoever computes it.</typeparam>
/// <typeparam name="TResult">What a computed unit gives back.</typeparam>
public interface IUnitExecutor<in TWork, TResult>
{
    /// <summary>How many units the runner keeps in flight at most (1 runs them one after another).</summary>
    int Window { get; }

    /// <summary>Computes one unit.</summary>
    /// <param name="work">The unit.</param>
    /// <param name="stages">Told each stage as it starts ("explain relax", "flip mean", "audio"), when the executor can
    /// say (a cluster's cannot); null for none.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The unit's result.</returns>
    Task<TResult> RunAsync(TWork work, IProgress<string>? stages, CancellationToken cancellationToken);
}
