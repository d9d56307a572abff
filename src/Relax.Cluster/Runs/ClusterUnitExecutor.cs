using Relax.Attribution;
using Relax.Runs;

namespace Relax.Cluster;

/// <summary>Makes the cluster's executor for each job kind (<see cref="ClusterUnitExecutor{TWork, TResult}"/>); call
/// <see cref="IClusterRun.StartAsync"/> on it, hand it to the runner, and dispose of it after the run.</summary>
public static class ClusterUnitExecutor
{
    /// <summary>The most cells one unit's example and maps may have on a cluster (2²²: a 96 × 64 example has 6 144; a
    /// waveform model's 60-s example at 48 kHz has 6.2 million, too many to send). A run whose examples are larger runs
    /// in one process.</summary>
    public const int MaxCellsPerUnit = UnitCodec.MaxCells;

    /// <summary>The executor of a corpus run (<see cref="CorpusExplainer.RunAsync"/>): workers explain each unit with
    /// RELAX, rebuilt from the corpus's mask kinds and RELAX settings.</summary>
    /// <param name="client">A connected cluster client (<see cref="ClusterNode.Client"/>, for example).</param>
    /// <param name="corpus">The corpus's settings (mask kinds and RELAX settings go to the workers).</param>
    /// <param name="options">The model workers must run, the window, the run id.</param>
    /// <exception cref="ArgumentException">A setting workers could not rebuild from names and numbers: a similarity
    /// other than cosine, a custom replacement, or a mask generator that its kind's name does not reproduce.</exception>
    public static ClusterUnitExecutor<CorpusWork, RelaxResult> ForCorpus(IClusterClient client, CorpusOptions corpus, ClusterRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        return new(client, new CorpusJob(RunSpecs.Create(options.RunId, corpus, options.Model, options.KeepProbability)), options);
    }

    /// <summary>The executor of a dataset evaluation (<see cref="DatasetEvaluator.RunAsync"/>): workers evaluate each
    /// clip with every explainer, rebuilt from the explainers' names and settings with their own model, classifier head
    /// and LRP network; workers whose rebuilt evaluator has another fingerprint (another model, no classifier head
    /// where the client has one) are refused.</summary>
    /// <param name="client">A connected cluster client.</param>
    /// <param name="explainers">The explainers' names (<see cref="AttributionMethods.Names"/>), in the evaluator's order.</param>
    /// <param name="attribution">What the explainers are made with (the client's model, head and LRP network stay here;
    /// each worker uses its own).</param>
    /// <param name="evaluation">The evaluation's settings, as given to the client's <see cref="DatasetEvaluator"/>.</param>
    /// <param name="options">The model workers must run, the window, the run id.</param>
    /// <exception cref="ArgumentException">A setting workers could not rebuild from names and numbers (a similarity
    /// other than cosine, a custom replacement, non-default LRP rules, a mask generator its kind's name does not
    /// reproduce), or explainers the client itself cannot make.</exception>
    public static ClusterUnitExecutor<ClipWork, EvaluatedClip> ForEvaluation(IClusterClient client, IReadOnlyList<string> explainers, AttributionSettings attribution,
        DatasetEvaluationOptions evaluation, ClusterRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(explainers);
        ArgumentNullException.ThrowIfNull(attribution);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(options);
        // The client's own evaluator states the fingerprint every worker's must reproduce (and checks the settings).
        IReadOnlyList<IAttributionMethod> On(IEmbedder embedder) => [.. explainers.Select(name => AttributionMethods.Create(name, attribution with { Embedder = embedder }))];
        var evaluator = evaluation.Cells is null
            ? new DatasetEvaluator(attribution.Embedder, On(attribution.Embedder), evaluation, attribution.Head)
            : new DatasetEvaluator(attribution.Embedder, On, evaluation, attribution.Head); // a waveform model's explainers: per clip
        var fingerprint = evaluator.Fingerprint;
        return new(client, new EvaluationJob(RunSpecs.Create(options.RunId, explainers, attribution, evaluation, fingerprint, options.Model, options.KeepProbability)), options);
    }
}
