namespace Relax.Cluster.Tests;

/// <summary>A run's statuses become each event once: a worker taking work, a worker refused (and then never told as
/// taking work), and no worker taking work for a while — told again only after work was taken since.</summary>
public sealed class ClusterRunWatchTests
{
    private static ClusterStatus Status(int queued, int leased, string[] workers, Dictionary<string, string>? refused = null) =>
        new(queued + leased, queued, leased, workers, new Dictionary<string, int>()) { Refused = refused ?? [] };

    [Fact]
    public void Each_worker_is_told_once_and_a_refused_one_only_as_refused()
    {
        var told = new List<string>();
        var watch = new ClusterRunWatch
        {
            WorkerTakingWork = w => told.Add($"taking {w}"),
            WorkerRefused = (w, why) => told.Add($"refused {w}: {why}"),
            IdleAfter = TimeSpan.FromHours(1),
        };
        watch.Report(Status(4, 1, ["b"]));
        watch.Report(Status(3, 2, ["a", "b", "old"], new() { ["old"] = "another dtype" }));
        watch.Report(Status(3, 2, ["a", "b", "old"], new() { ["old"] = "another dtype" }));
        Assert.Equal(["taking b", "refused old: another dtype", "taking a"], told);
    }

    [Fact]
    public void An_idle_spell_is_told_once_and_again_only_after_work_was_taken()
    {
        int idle = 0;
        var watch = new ClusterRunWatch { NoWorkerTakingWork = () => idle++, IdleAfter = TimeSpan.FromMilliseconds(1) };
        Thread.Sleep(20); // longer than IdleAfter on any machine: only a lower bound matters
        watch.Report(Status(5, 0, []));
        watch.Report(Status(5, 0, []));
        Assert.Equal(1, idle);
        watch.Report(Status(4, 1, ["w"])); // busy again
        Thread.Sleep(20);
        watch.Report(Status(4, 0, ["w"]));
        Assert.Equal(2, idle);
        watch.Report(Status(0, 0, ["w"])); // nothing queued is not idle
        Assert.Equal(2, idle);
    }

    [Fact]
    public void A_watch_is_not_idle_while_units_are_leased_or_none_wait()
    {
        int idle = 0;
        var watch = new ClusterRunWatch { NoWorkerTakingWork = () => idle++, IdleAfter = TimeSpan.FromHours(1) };
        watch.Report(Status(5, 0, []));
        Assert.Equal(0, idle);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterRunWatch { IdleAfter = TimeSpan.Zero });
    }
}
