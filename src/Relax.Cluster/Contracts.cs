namespace Relax.Cluster;

/// <summary>What every worker of a run must compute with: the model it must run and the RELAX settings, as the client
/// asked for them. Workers that run another model, dtype or device, or cannot rebuild the settings, report a mismatch
/// instead of explaining.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Model,
    [property: Id(2)] string DType,
    [property: Id(3)] string Device,
    [property: Id(4)] int MaskCount,
    [property: Id(5)] int BatchSize,
    [property: Id(6)] string Replacement,
    [property: Id(7)] int Normalization,
    [property: Id(8)] double? ConvergenceTarget,
    [property: Id(9)] int ConvergenceCheckEvery,
    [property: Id(10)] int ConvergenceMinMasks,
    [property: Id(11)] string Similarity,
    [property: Id(12)] string[] MaskKinds,
    [property: Id(13)] string Fingerprint,
    [property: Id(14)] double KeepProbability);

/// <summary>One unit to explain (about 24 KB): the example (float32 values as raw bytes: Orleans copies a byte array in
/// one block, a float array value by value), its mask kind and its seed.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkItem(
    [property: Id(0)] string UnitId,
    [property: Id(1)] string MaskKind,
    [property: Id(2)] long Seed,
    [property: Id(3)] int Height,
    [property: Id(4)] int Width,
    [property: Id(5)] byte[] Input,
    [property: Id(6)] int Attempt = 0,
    [property: Id(7)] DateTime LeasedAt = default);

/// <summary>One explained unit (about 75 KB): the maps (float32 as raw bytes) and how they were obtained, and which
/// worker made them; or, with <c>Error</c> set and no maps, why the worker could not explain it.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkResult(
    [property: Id(0)] string UnitId,
    [property: Id(1)] string Worker,
    [property: Id(2)] int Height,
    [property: Id(3)] int Width,
    [property: Id(4)] byte[] Saliency,
    [property: Id(5)] byte[] Uncertainty,
    [property: Id(6)] byte[] MaskWeight,
    [property: Id(7)] int MasksUsed,
    [property: Id(8)] int MasksRequested,
    [property: Id(9)] bool StoppedEarly,
    [property: Id(10)] double EstimatedCorrelation,
    [property: Id(11)] double Seconds,
    [property: Id(12)] int Normalization,
    [property: Id(13)] string MaskGenerator,
    [property: Id(14)] string[] Warnings,
    [property: Id(15)] int Attempt,
    [property: Id(16)] DateTime LeasedAt,
    [property: Id(17)] string? Error = null);

/// <summary>What a lease hands a worker: the run's settings (null when the coordinator has not heard from its client
/// since it was activated) and up to the asked number of units.</summary>
[GenerateSerializer, Immutable]
internal sealed record Lease([property: Id(0)] RunSpec? Spec, [property: Id(1)] WorkItem[] Items);

/// <summary>What the client learns on each poll: the coordinator's incarnation (a new one has lost its queue),
/// finished units, the queue's state, the workers seen and the mismatches reported.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunStatus(
    [property: Id(0)] long Incarnation,
    [property: Id(1)] WorkResult[] Results,
    [property: Id(2)] int Queued,
    [property: Id(3)] int Leased,
    [property: Id(4)] string[] Workers,
    [property: Id(5)] string[] Mismatches);

/// <summary>The coordinator of one run (keyed by run id): a queue of units with leases. The authoritative list of
/// work and the results live with the client (its output folder); losing this grain loses only what the client will
/// offer again.</summary>
internal interface IExplainRunGrain : IGrainWithStringKey
{
    /// <summary>The client's heartbeat: (re)states the run's settings; returns the incarnation.</summary>
    Task<long> Open(RunSpec spec);

    /// <summary>Adds units (ids already queued, leased or finished are ignored); returns the incarnation.</summary>
    Task<long> Offer(WorkItem[] items);

    /// <summary>Hands a worker up to <paramref name="max"/> units under a lease (expired leases are re-issued first).</summary>
    Task<Lease> Take(string worker, int max);

    /// <summary>Extends the leases a worker still holds.</summary>
    Task Renew(string worker, string[] unitIds);

    /// <summary>Stores a finished unit for the client (a duplicate is ignored).</summary>
    Task Complete(WorkResult result);

    /// <summary>A worker that cannot run this run's units says why.</summary>
    Task ReportMismatch(string worker, string reason);

    /// <summary>The client's poll: up to <paramref name="maxResults"/> finished units (removed from the grain) and the state.</summary>
    Task<RunStatus> Poll(int maxResults);

    /// <summary>The silo this activation lives on.</summary>
    Task<string> Where();

    /// <summary>Deactivates this activation (before any unit is offered, to let it start again elsewhere).</summary>
    Task Leave();
}

/// <summary>Which runs are open (one grain, key 0): clients register theirs every second, workers read the list.</summary>
internal interface IRunDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Marks a run alive for <see cref="ClusterTimings.RunExpiry"/>.</summary>
    Task Register(string runId);

    /// <summary>Removes a finished run.</summary>
    Task Unregister(string runId);

    /// <summary>The runs registered within <see cref="ClusterTimings.RunExpiry"/>.</summary>
    Task<string[]> ActiveRuns();
}
