using Microsoft.Extensions.Hosting;

namespace Relax.Cluster;

/// <summary>
/// Puts this silo's row back into the membership table when the table lost it: Redis restarted without persistence
/// (as docs/cluster.md advises running it) comes back empty, and Orleans then neither rejoins nor leaves (its liveness
/// updates fail for ever, a new member cannot see the old ones, and stopping waits on a row that is gone). Every
/// <see cref="CheckPeriod"/> the silo reads the table; when its row is missing it puts back every row it last read
/// (its own with a fresh liveness time, the others as they were: a member that died before the restart must be in the
/// table to be declared dead, or every member would wait on it for ever), inserting only where a row is missing, at a
/// table version above the highest it has seen, so every member's next read takes the restored table as newer than
/// the one it holds.
/// </summary>
/// <remarks>Written here because Orleans' membership assumes a durable table; its Redis provider reports the missing
/// table but nothing restores it.</remarks>
internal sealed class MembershipRepair(IMembershipTable table, ILocalSiloDetails silo, IClusterMembershipService membership) : BackgroundService
{
    /// <summary>How often the table is read.</summary>
    public static TimeSpan CheckPeriod { get; } = TimeSpan.FromSeconds(1);

    private List<MembershipEntry> _lastRows = [];   // the table as last read with this silo's row in it; empty before it joined
    private int _highestVersion;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Redis unreachable, or another member wrote first: the next tick tries again.
            }
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        MembershipTableData? data = null;
        try
        {
            data = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The Redis provider throws when the table's version row is gone (the table is empty).
        }
        if (data?.TryGet(silo.SiloAddress) is not null)
        {
            _lastRows = data.Members.Select(m => m.Item1).ToList();
            _highestVersion = Math.Max(_highestVersion, data.Version.Version);
            return;
        }
        // Only a silo that joined and still counts itself active puts its row back (not one that is starting or leaving).
        if (_lastRows.Count == 0 || membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return;
        }
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken).ConfigureAwait(false);
        var rows = _lastRows.Select(row => Copy(row, row.SiloAddress.Equals(silo.SiloAddress))).ToList();
        var own = rows.Single(row => row.SiloAddress.Equals(silo.SiloAddress));
        // One write per version step (the table moves one version at a time); conflicts with members doing the same
        // are read again. Bounded: the rows to insert, the versions to climb, and as many conflicts again.
        for (int attempt = 0; attempt < 2 * (_highestVersion + rows.Count) + 100; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var version = data.Version;
            var next = new TableVersion(version.Version + 1, version.VersionEtag);
            if (rows.FirstOrDefault(row => data.TryGet(row.SiloAddress) is null) is { } missing)
            {
                await table.InsertRowAsync(missing, next, cancellationToken).ConfigureAwait(false);
            }
            else if (version.Version <= _highestVersion)
            {
                await table.UpdateRowAsync(own, data.TryGet(silo.SiloAddress)!.Item2, next, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Every row is back, at a version above every one this member has seen: the members' next reads take it.
                _highestVersion = version.Version;
                return;
            }
        }
    }

    /// <summary>A row as it was last read; this silo's own with a fresh liveness time.</summary>
    private static MembershipEntry Copy(MembershipEntry row, bool own) => new()
    {
        SiloAddress = row.SiloAddress,
        Status = row.Status,
        HostName = row.HostName,
        SiloName = row.SiloName,
        ProxyPort = row.ProxyPort,
        RoleName = row.RoleName,
        UpdateZone = row.UpdateZone,
        FaultZone = row.FaultZone,
        StartTime = row.StartTime,
        IAmAliveTime = own ? DateTime.UtcNow : row.IAmAliveTime,
        SuspectTimes = own ? [] : row.SuspectTimes,
    };
}
