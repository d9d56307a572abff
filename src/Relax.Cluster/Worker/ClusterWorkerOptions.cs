using Relax.Attribution;
using Relax.Classification;

namespace Relax.Cluster;

/// <summary>Settings of a worker: the model it explains with, checked when set.</summary>
public sealed record ClusterWorkerOptions
{
    private readonly IEmbedder _embedder = null!;
    private readonly ClusterModel _model = null!;
    private readonly string _name = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly int? _batchSize;

    /// <summary>Creates the settings.</summary>
    /// <param name="embedder">The model (owned by the caller; it must stay alive while the worker runs).</param>
    /// <param name="model">What the model is; a run that asks for another model or dtype is refused (the device may differ).</param>
    public ClusterWorkerOptions(IEmbedder embedder, ClusterModel model)
    {
        Embedder = embedder;
        Model = model;
    }

    /// <summary>The model.</summary>
    public IEmbedder Embedder
    {
        get => _embedder;
        init => _embedder = value ?? throw new ArgumentNullException(nameof(Embedder));
    }

    /// <summary>What the model is.</summary>
    public ClusterModel Model
    {
        get => _model;
        init => _model = value ?? throw new ArgumentNullException(nameof(Model));
    }

    /// <summary>The model's classifier head, for evaluations with class-probability curves and RISE; null when it has none
    /// (then a run that needs one is refused).</summary>
    public IEmbeddingClassifier? Head { get; init; }

    /// <summary>The model's layers for LRP (<c>LrpNetwork.FromVggPattern</c>); null when LRP cannot walk it (then a run
    /// that asks for LRP is refused).</summary>
    public LrpNetwork? Lrp { get; init; }

    /// <summary>Masks (and inputs) per forward pass on this worker; null for the batch size the run's client chose.
    /// Results do not depend on it (masks are drawn per mask, not per batch), so each worker can run the batch that
    /// suits its device: a GPU worker beside CPU workers, for example.</summary>
    public int? BatchSize
    {
        get => _batchSize;
        init => _batchSize = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "The batch size must be at least 1.");
    }

    /// <summary>The worker's name in status lines and results. Default <c>host:pid</c>.</summary>
    public string Name
    {
        get => _name;
        init => _name = !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("Give a name.", nameof(Name));
    }
}
