namespace Relax.Cluster;

/// <summary>Settings of a cluster run, checked when set.</summary>
public sealed record ClusterRunOptions
{
    private readonly ClusterModel _model = null!;
    private readonly int _window = 64;
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly double _keep = 0.5;

    /// <summary>Creates the settings.</summary>
    /// <param name="model">The model every worker must run; workers that run another are refused.</param>
    public ClusterRunOptions(ClusterModel model)
    {
        Model = model;
    }

    /// <summary>The model every worker must run.</summary>
    public ClusterModel Model
    {
        get => _model;
        init => _model = value ?? throw new ArgumentNullException(nameof(Model));
    }

    /// <summary>Units in flight at most (offered, leased or being explained), ≥ 1: the client holds only these. Default 64
    /// (enough for tens of workers; raise it for more).</summary>
    public int Window
    {
        get => _window;
        init => _window = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Window), value, "Give at least 1.");
    }

    /// <summary>The run's id (its coordinator's key). Default a new GUID.</summary>
    public string RunId
    {
        get => _runId;
        init => _runId = !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("Give a run id.", nameof(RunId));
    }

    /// <summary>The keep probability the corpus's mask generators were made with (<c>MaskGenerators.Create(kind,
    /// keep)</c>); workers make the same. Default 0.5.</summary>
    public double KeepProbability
    {
        get => _keep;
        init => _keep = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(KeepProbability), value, "Must be between 0 and 1 (exclusive).");
    }

    /// <summary>The silo the run's coordinator must live on (<c>ILocalSiloDetails.SiloAddress</c> of a client that
    /// joins as a silo, as <c>relax explain --cluster</c> does), so no worker's death takes the queue with it; null
    /// to let Orleans place it.</summary>
    public string? CoordinatorSilo { get; init; }

    /// <summary>Receives the run's state about once a second (queue, workers); null for none.</summary>
    public IProgress<ClusterStatus>? Status { get; init; }
}
