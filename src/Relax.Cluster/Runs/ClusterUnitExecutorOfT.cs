using Relax.Runs;

namespace Relax.Cluster;

/// <summary>
/// Computes a job's units on an Orleans cluster of <c>relax worker</c>s: the cluster's
/// <see cref="IUnitExecutor{TWork, TResult}"/>, for every job kind (made by <see cref="ClusterUnitExecutor.ForCorpus"/>
/// and <see cref="ClusterUnitExecutor.ForEvaluation"/>). The client is the authority: it holds the units in flight (at
/// most <see cref="ClusterRunOptions.Window"/>), offers them to the run's coordinator, polls the finished ones, and
/// offers again whatever a new coordinator incarnation lost. A unit finished twice is taken once. Workers need no
/// shared filesystem: a unit carries its input and its result comes back with it.
/// </summary>
/// <typeparam name="TWork">A unit as the runner hands it over.</typeparam>
/// <typeparam name="TResult">A computed unit as the runner takes it back.</typeparam>
public sealed class ClusterUnitExecutor<TWork, TResult> : IUnitExecutor<TWork, TResult>, IClusterRun
{
    private readonly ClusterJob<TWork, TResult> _job;
    private readonly ClusterRun<TResult> _run;

    internal ClusterUnitExecutor(IClusterClient client, ClusterJob<TWork, TResult> job, ClusterRunOptions options)
    {
        _job = job;
        _run = new ClusterRun<TResult>(client, job.Spec, options, job.Decode);
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

    /// <summary>Offers one unit to the cluster; completes when a worker has computed it. A cluster does not report a
    /// unit's stages (<paramref name="stages"/> is not told).</summary>
    /// <param name="work">The unit.</param>
    /// <param name="stages">Not told.</param>
    /// <param name="cancellationToken">Gives the unit up.</param>
    /// <exception cref="InvalidOperationException"><see cref="StartAsync"/> was not called.</exception>
    public Task<TResult> RunAsync(TWork work, IProgress<string>? stages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _run.Submit(_job.UnitId(work), _job.Encode(work), cancellationToken);
    }

    /// <summary>Stops exchanging units and closes the run.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync();
}
