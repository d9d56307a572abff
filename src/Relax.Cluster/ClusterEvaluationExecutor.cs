using Relax.Attribution;
using Relax.Runs;

namespace Relax.Cluster;

/// <summary>
/// Evaluates a dataset's clips on an Orleans cluster of <c>relax worker</c>s: an <see cref="IClipEvaluationExecutor"/>
/// for <see cref="DatasetEvaluator.RunAsync"/>. A clip is one unit: its worker explains it with every explainer, draws
/// the flipping curves and the audio scores (<see cref="DatasetEvaluator.EvaluateClip"/>, rebuilt there from the
/// explainers' names and settings with the worker's own model, classifier head and LRP network) and sends back the
/// results and the maps; the client writes the folder. A clip goes out about 85 KB (example and audio; 110 KB with the
/// next clip's example for the other-input replacement) and comes back about 25 KB per explainer plus its curves. Workers whose
/// rebuilt evaluator has another fingerprint (another model, no classifier head where the client has one) are refused.
/// </summary>
public sealed class ClusterEvaluationExecutor : IClipEvaluationExecutor, IClusterRun
{
    private readonly ClusterRun<EvaluatedClip> _run;

    /// <summary>Creates the executor for one evaluation; <see cref="StartAsync"/> opens the run.</summary>
    /// <param name="client">A connected cluster client.</param>
    /// <param name="explainers">The explainers' names (<see cref="AttributionMethods.Names"/>), in the evaluator's order.</param>
    /// <param name="attribution">What the explainers are made with (the client's model, head and LRP network stay here;
    /// each worker uses its own).</param>
    /// <param name="evaluation">The evaluation's settings, as given to the client's <see cref="DatasetEvaluator"/>.</param>
    /// <param name="options">The model workers must run, the window, the run id.</param>
    /// <exception cref="ArgumentException">A setting workers could not rebuild from names and numbers (a similarity
    /// other than cosine, a custom replacement, non-default LRP rules, a mask generator its kind's name does not
    /// reproduce), or explainers the client itself cannot make.</exception>
    public ClusterEvaluationExecutor(IClusterClient client, IReadOnlyList<string> explainers, AttributionSettings attribution,
        DatasetEvaluationOptions evaluation, ClusterRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(explainers);
        ArgumentNullException.ThrowIfNull(attribution);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(options);
        // The client's own evaluator states the fingerprint every worker's must reproduce (and checks the settings).
        var fingerprint = new DatasetEvaluator(attribution.Embedder, [.. explainers.Select(name => AttributionMethods.Create(name, attribution))], evaluation, attribution.Head).Fingerprint;
        _run = new ClusterRun<EvaluatedClip>(client, RunSpecs.Create(options.RunId, explainers, attribution, evaluation, fingerprint, options.Model, options.KeepProbability),
            options, Decode);
    }

    /// <inheritdoc />
    public int Window => _run.Window;

    /// <inheritdoc />
    public string RunId => _run.RunId;

    /// <inheritdoc />
    public IReadOnlyList<ClusterReissue> Reissues => _run.Reissues;

    /// <inheritdoc />
    public int CoordinatorRestarts => _run.CoordinatorRestarts;

    /// <inheritdoc />
    public int ExpiredLeases => _run.ExpiredLeases;

    /// <inheritdoc />
    public int RefusedResults => _run.RefusedResults;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> RefusedWorkers => _run.RefusedWorkers;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> CompletedByWorker => _run.CompletedByWorker;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => _run.StartAsync(cancellationToken);

    /// <inheritdoc />
    public Task<EvaluatedClip> EvaluateAsync(ClipWork work, IProgress<string>? stages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var item = work.Item;
        int height = item.Input.GetLength(0), width = item.Input.GetLength(1);
        if (work.Donor is { } donor && (donor.GetLength(0) != height || donor.GetLength(1) != width))
        {
            throw new ArgumentException($"Item {item.Id}: the donor input is {donor.GetLength(0)} × {donor.GetLength(1)}, the item {height} × {width}.", nameof(work));
        }
        var input = new ClipInput(item.Label, height, width, UnitCodec.Bytes(item.Input), item.Waveform is { } w ? UnitCodec.Bytes(w) : null,
            work.Donor is { } d ? UnitCodec.Bytes(d) : null);
        return _run.Submit(item.Id, input, cancellationToken);
    }

    /// <summary>Stops exchanging clips and closes the run.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync();

    private static EvaluatedClip Decode(WorkResult result)
    {
        if (result.Output is not ClipOutput r)
        {
            throw new InvalidDataException($"expected an evaluated clip, got {result.Output?.GetType().Name ?? "nothing"}");
        }
        // The runner checks the clip against its item and settings before writing anything.
        return new EvaluatedClip(ClipEvaluation.FromJson(r.Clip), [.. r.Maps.Select((map, k) => UnitCodec.Matrix(map, r.Height, r.Width, $"map {k}"))]);
    }
}
