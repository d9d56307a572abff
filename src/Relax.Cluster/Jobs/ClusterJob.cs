namespace Relax.Cluster;

/// <summary>
/// A kind of cluster job, both sides of it: on the client, the run's settings for workers (<see cref="Spec"/>), what a
/// unit carries to its worker (<see cref="Encode"/>) and what its result becomes (<see cref="Decode"/>), used by
/// <see cref="ClusterUnitExecutor{TWork, TResult}"/>; on a worker, how a unit is computed from the recipe (each kind's
/// static <c>Worker</c>, chosen by <see cref="ClusterJobs.Worker"/>). The kinds: <see cref="CorpusJob"/>
/// (<c>relax explain</c>) and <see cref="EvaluationJob"/> (<c>relax evaluate</c>).
/// </summary>
/// <typeparam name="TWork">A unit as the runner hands it to its executor.</typeparam>
/// <typeparam name="TResult">A computed unit as the runner takes it back.</typeparam>
internal abstract class ClusterJob<TWork, TResult>
{
    /// <summary>What every worker of the run must compute with.</summary>
    public abstract RunSpec Spec { get; }

    /// <summary>The unit's id, unique among the units in flight.</summary>
    public abstract string UnitId(TWork work);

    /// <summary>What the unit carries to its worker.</summary>
    /// <exception cref="ArgumentException">A unit that cannot travel (inconsistent shapes).</exception>
    public abstract UnitInput Encode(TWork work);

    /// <summary>What a finished unit becomes.</summary>
    /// <exception cref="InvalidDataException">A result of another kind, or malformed.</exception>
    public abstract TResult Decode(WorkResult result);
}

/// <summary>A worker's computation of one unit of a run whose recipe it rebuilt.</summary>
/// <param name="item">The unit.</param>
/// <param name="cancellationToken">Stops the worker.</param>
internal delegate UnitOutput UnitComputation(WorkItem item, CancellationToken cancellationToken);

/// <summary>The worker side of every job kind, chosen by the run's recipe.</summary>
internal static class ClusterJobs
{
    /// <summary>How this worker computes the units of a run with <paramref name="recipe"/>.</summary>
    /// <exception cref="InvalidOperationException">A recipe this worker does not know, or cannot rebuild with its model.</exception>
    public static UnitComputation Worker(UnitRecipe? recipe, ClusterWorkerOptions worker) => recipe switch
    {
        ExplainRecipe explain => CorpusJob.Worker(explain, worker),
        EvaluateRecipe evaluate => EvaluationJob.Worker(evaluate, worker),
        _ => throw new InvalidOperationException($"it does not know {recipe?.GetType().Name ?? "a run without a recipe"}"),
    };
}
