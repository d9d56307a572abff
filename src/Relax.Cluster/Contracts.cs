namespace Relax.Cluster;

/// <summary>What every worker of a run must compute with: the model it must run and what its units are (the recipe),
/// as the client asked for them. Workers that run another model, dtype or device, or cannot rebuild the recipe, report
/// a mismatch instead of computing.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Model,
    [property: Id(2)] string DType,
    [property: Id(3)] string Device,
    [property: Id(4)] UnitRecipe Recipe);

/// <summary>How a run's units are computed: explained with RELAX (<see cref="ExplainRecipe"/>, <c>relax explain</c>)
/// or evaluated with several explainers and scored (<see cref="EvaluateRecipe"/>, <c>relax evaluate</c>).</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitRecipe;

/// <summary>RELAX settings and mask kinds of a corpus (every unit brings its own seed).</summary>
[GenerateSerializer, Immutable]
internal sealed record ExplainRecipe(
    [property: Id(0)] int MaskCount,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] string Replacement,
    [property: Id(3)] int Normalization,
    [property: Id(4)] double? ConvergenceTarget,
    [property: Id(5)] int ConvergenceCheckEvery,
    [property: Id(6)] int ConvergenceMinMasks,
    [property: Id(7)] string Similarity,
    [property: Id(8)] string[] MaskKinds,
    [property: Id(9)] string Fingerprint,
    [property: Id(10)] double KeepProbability) : UnitRecipe;

/// <summary>A dataset evaluation's settings: the explainers by name with what they need, the flipping curves, the
/// replacements and the audio scores; <c>Fingerprint</c> is the client's <c>DatasetEvaluator.Fingerprint</c>, which a
/// worker's rebuilt evaluator must reproduce.</summary>
[GenerateSerializer, Immutable]
internal sealed record EvaluateRecipe(
    [property: Id(0)] string[] Explainers,
    [property: Id(1)] ExplainRecipe Relax,
    [property: Id(2)] long RelaxSeed,
    [property: Id(3)] int[] Occlusion,
    [property: Id(4)] int IntegratedGradientsSteps,
    [property: Id(5)] string[] Replacements,
    [property: Id(6)] bool OtherInput,
    [property: Id(7)] double Step,
    [property: Id(8)] int FlipBatch,
    [property: Id(9)] long FlipSeed,
    [property: Id(10)] AudioRecipe? Audio,
    [property: Id(11)] string[]? ClassNames,
    [property: Id(12)] string Settings,
    [property: Id(13)] string Fingerprint,
    [property: Id(14)] bool Classifier) : UnitRecipe;

/// <summary>The audio-domain scores of an evaluation (<c>AudioFaithfulnessOptions</c>), as their three settings.</summary>
[GenerateSerializer, Immutable]
internal sealed record AudioRecipe(
    [property: Id(0)] double EvidenceFraction,
    [property: Id(1)] int RandomDraws,
    [property: Id(2)] long Seed);

/// <summary>One unit of work and its lease: the payload, and which lease of it this is.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkItem(
    [property: Id(0)] string UnitId,
    [property: Id(1)] UnitInput Input,
    [property: Id(2)] int Attempt = 0,
    [property: Id(3)] DateTime LeasedAt = default);

/// <summary>What a unit carries to its worker. Float32 values travel as raw bytes: Orleans copies a byte array in one
/// block, a float array value by value.</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitInput;

/// <summary>A corpus unit (about 24 KB): a log-mel example, its mask kind and its seed.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExampleInput(
    [property: Id(0)] string MaskKind,
    [property: Id(1)] long Seed,
    [property: Id(2)] int Height,
    [property: Id(3)] int Width,
    [property: Id(4)] byte[] Values) : UnitInput;

/// <summary>A clip to evaluate (about 85 KB; 110 KB with the other-input replacement): its example, label and audio,
/// and the next clip's example when the other-input replacement is on.</summary>
[GenerateSerializer, Immutable]
internal sealed record ClipInput(
    [property: Id(0)] int? Label,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width,
    [property: Id(3)] byte[] Values,
    [property: Id(4)] byte[]? Waveform,
    [property: Id(5)] byte[]? Donor) : UnitInput;

/// <summary>One finished unit: what it produced and which worker made it; or, with <c>Error</c> set and no output,
/// why the worker could not compute it.</summary>
[GenerateSerializer, Immutable]
internal sealed record WorkResult(
    [property: Id(0)] string UnitId,
    [property: Id(1)] string Worker,
    [property: Id(2)] UnitOutput? Output,
    [property: Id(3)] int Attempt,
    [property: Id(4)] DateTime LeasedAt,
    [property: Id(5)] string? Error = null);

/// <summary>What a worker sends back for a unit.</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitOutput;

/// <summary>An explained corpus unit (about 75 KB): the maps (float32 as raw bytes) and how they were obtained.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExplainOutput(
    [property: Id(0)] int Height,
    [property: Id(1)] int Width,
    [property: Id(2)] byte[] Saliency,
    [property: Id(3)] byte[] Uncertainty,
    [property: Id(4)] byte[] MaskWeight,
    [property: Id(5)] int MasksUsed,
    [property: Id(6)] int MasksRequested,
    [property: Id(7)] bool StoppedEarly,
    [property: Id(8)] double EstimatedCorrelation,
    [property: Id(9)] double Seconds,
    [property: Id(10)] int Normalization,
    [property: Id(11)] string MaskGenerator,
    [property: Id(12)] string[] Warnings) : UnitOutput;

/// <summary>An evaluated clip: its results as <c>result.json</c> holds them and every explainer's map (float32 as raw bytes).</summary>
[GenerateSerializer, Immutable]
internal sealed record ClipOutput(
    [property: Id(0)] byte[] Clip,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width,
    [property: Id(3)] byte[][] Maps) : UnitOutput;

/// <summary>What a lease hands a worker: the run's settings (null when the coordinator has not heard from its client
/// since it was activated) and up to the asked number of units.</summary>
[GenerateSerializer, Immutable]
internal sealed record Lease([property: Id(0)] RunSpec? Spec, [property: Id(1)] WorkItem[] Items);

/// <summary>What the client learns on each poll: the coordinator's incarnation (a new one has lost its queue),
/// finished units, the queue's state, the workers seen, the mismatches reported, leases that lapsed and results
/// refused because their sender was not given that unit under that attempt.</summary>
[GenerateSerializer, Immutable]
internal sealed record RunStatus(
    [property: Id(0)] long Incarnation,
    [property: Id(1)] WorkResult[] Results,
    [property: Id(2)] int Queued,
    [property: Id(3)] int Leased,
    [property: Id(4)] string[] Workers,
    [property: Id(5)] string[] Mismatches,
    [property: Id(6)] int ExpiredLeases = 0,
    [property: Id(7)] int RefusedResults = 0,
    [property: Id(8)] string[]? MismatchedWorkers = null);

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

    /// <summary>Stores a finished unit for the client (a duplicate is ignored; a result from a worker that was not
    /// given the unit under that attempt is refused and counted in <see cref="RunStatus.RefusedResults"/>).</summary>
    Task Complete(WorkResult result);

    /// <summary>A worker that cannot run this run's units says why.</summary>
    Task ReportMismatch(string worker, string reason);

    /// <summary>The client's poll: forgets the units the client says it received (from the previous poll's reply),
    /// then returns up to <paramref name="maxResults"/> finished units and the state. A unit stays until its receipt
    /// is acknowledged, so a reply lost on the way is delivered again.</summary>
    Task<RunStatus> Poll(int maxResults, string[] received);

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
