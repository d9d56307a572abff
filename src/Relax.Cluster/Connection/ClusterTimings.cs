namespace Relax.Cluster;

/// <summary>
/// The clocks of a cluster run. A worker renews its leases every <see cref="RenewEvery"/>; a lease not renewed for
/// <see cref="LeaseTime"/> is re-issued, so the units of a worker that died are leased again 1.5–2 s after it died
/// plus the time until another worker asks for work (the recovery target is 5 s), long before membership declares the
/// silo dead.
/// Every call has its own <see cref="CallDeadline"/>, shorter than Orleans' response timeout: a call in flight to a
/// dead silo would otherwise hang for it.
/// </summary>
internal static class ClusterTimings
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromMilliseconds(1000);
    public static readonly TimeSpan DirectoryDeadline = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RunExpiry = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a client keeps trying to open its run (longer than membership takes to declare a dead silo dead).</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(40);

    /// <summary>How long a run waits, once a worker has said it cannot run the run's units, for a worker that can
    /// (one seen taking work, or a unit received) before it stops with the mismatch: workers started together may
    /// report in any order.</summary>
    public static readonly TimeSpan MismatchPatience = TimeSpan.FromSeconds(10);

    /// <summary>How long a worker's lease batch should last: it leases about this much work at once.</summary>
    public static readonly TimeSpan LeaseBatchTarget = TimeSpan.FromMilliseconds(500);
}
