namespace Relax.Cluster;

/// <summary>What a cluster executor (<see cref="ClusterUnitExecutor{TWork, TResult}"/>, of any job kind) tells about
/// its run, and how it is opened and closed.</summary>
public interface IClusterRun : IAsyncDisposable
{
    /// <summary>The run's id.</summary>
    string RunId { get; }

    /// <summary>Units that were leased more than once (their first worker died or stopped renewing), with when the
    /// lease that finished them was handed out: how fast work came back after a failure.</summary>
    IReadOnlyList<ClusterReissue> Reissues { get; }

    /// <summary>How often the run's coordinator came back empty (its silo died) and was offered the units in flight again.</summary>
    int CoordinatorRestarts { get; }

    /// <summary>Leases that lapsed and went back to the queue (as the current coordinator counts them): a unit whose
    /// worker died, or was too slow to renew on a loaded machine, is computed again elsewhere — at least once, written
    /// once — so workers may compute up to this many units more than the run has.</summary>
    int ExpiredLeases { get; }

    /// <summary>Results the coordinator refused because their sender had not been given that unit under that attempt
    /// (a stray or forged completion); zero in a healthy run.</summary>
    int RefusedResults { get; }

    /// <summary>Workers that said they cannot run this run's units (another model or dtype), with why: they take no
    /// units and the run goes on with the others; it stops only when no worker that can run it turns up.</summary>
    IReadOnlyDictionary<string, string> RefusedWorkers { get; }

    /// <summary>Units received from each worker so far.</summary>
    IReadOnlyDictionary<string, int> CompletedByWorker { get; }

    /// <summary>Opens the run on the cluster and starts exchanging units with it.</summary>
    /// <param name="cancellationToken">Stops the opening.</param>
    Task StartAsync(CancellationToken cancellationToken = default);
}
