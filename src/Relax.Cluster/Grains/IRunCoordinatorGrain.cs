namespace Relax.Cluster;

/// <summary>The coordinator of one run (keyed by run id): a queue of units with leases. The authoritative list of
/// work and the results live with the client (its output folder); losing this grain loses only what the client will
/// offer again.</summary>
internal interface IRunCoordinatorGrain : IGrainWithStringKey
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
