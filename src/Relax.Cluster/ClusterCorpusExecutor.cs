using Relax.Runs;

namespace Relax.Cluster;

/// <summary>
/// Explains a corpus's units on an Orleans cluster of <c>relax worker</c>s: an <see cref="ICorpusExecutor"/> for
/// <see cref="CorpusExplainer.RunAsync"/>. Units go out about 24 KB each (the example, its mask kind and seed), maps
/// come back about 75 KB; workers need no shared filesystem. The client is the authority: it holds the units in
/// flight (at most <see cref="ClusterRunOptions.Window"/>), offers them to the run's coordinator, polls the finished
/// ones, and offers again whatever a new coordinator incarnation lost. A unit finished twice is taken once.
/// </summary>
public sealed class ClusterCorpusExecutor : ICorpusExecutor, IClusterRun
{
    private readonly ClusterRun<RelaxResult> _run;

    /// <summary>Creates the executor for one run of a corpus; <see cref="StartAsync"/> opens the run.</summary>
    /// <param name="client">A connected cluster client.</param>
    /// <param name="corpus">The corpus's settings (mask kinds and RELAX settings go to the workers).</param>
    /// <param name="options">The model workers must run, the window, the run id.</param>
    /// <exception cref="ArgumentException">A setting workers could not rebuild from names and numbers: a similarity
    /// other than cosine, a custom replacement, or a mask generator that its kind's name does not reproduce.</exception>
    public ClusterCorpusExecutor(IClusterClient client, CorpusOptions corpus, ClusterRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        _run = new ClusterRun<RelaxResult>(client, RunSpecs.Create(options.RunId, corpus, options.Model, options.KeepProbability), options, Decode);
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
    public Task<RelaxResult> ExplainAsync(CorpusWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        int height = work.Input.GetLength(0), width = work.Input.GetLength(1);
        return _run.Submit(work.UnitId, new ExampleInput(work.MaskKind, work.Seed, height, width, UnitCodec.Bytes(work.Input)), cancellationToken);
    }

    /// <summary>Stops exchanging units and closes the run.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync();

    private static RelaxResult Decode(WorkResult result)
    {
        if (result.Output is not ExplainOutput r)
        {
            throw new InvalidDataException($"expected maps, got {result.Output?.GetType().Name ?? "nothing"}");
        }
        return RelaxResult.Restore(UnitCodec.Matrix(r.Saliency, r.Height, r.Width, "saliency"), UnitCodec.Matrix(r.Uncertainty, r.Height, r.Width, "uncertainty"),
            UnitCodec.Matrix(r.MaskWeight, r.Height, r.Width, "mask weight"), r.MasksUsed, r.MasksRequested, r.StoppedEarly, r.EstimatedCorrelation,
            TimeSpan.FromSeconds(r.Seconds), (SaliencyNormalization)r.Normalization, r.MaskGenerator, r.Warnings);
    }
}
