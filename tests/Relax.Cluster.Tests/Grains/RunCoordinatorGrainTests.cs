using Orleans.TestingHost;

namespace Relax.Cluster.Tests;

/// <summary>The coordinator's leases on a one-silo in-memory cluster: a lease not renewed goes back to the queue and
/// is handed out again with the next attempt number; a renewed one is not; a duplicate completion is taken once;
/// offers of known units are ignored; finished units stay until the client acknowledges them.</summary>
public sealed class RunCoordinatorGrainTests
{
    private static WorkItem Item(string id) => new(id, new ExampleInput("time", 1, 2, 2, new byte[16]));

    private static WorkResult Result(string id, string worker, int attempt) =>
        new(id, worker, new ExplainOutput(2, 2, new byte[16], new byte[16], new byte[16], 1, 1, false, double.NaN, 0.1, 1, "time", []), attempt, DateTime.UtcNow);

    private static RunSpec Spec() => new("run", "model", "Float32", "cpu", new ExplainRecipe(["relax.count"], ["8"], 8, ["time"], 0.5, Relax.Runs.RunSettings.CurrentVersion));

    [Fact]
    public async Task A_renewed_lease_lapses_one_lease_time_after_its_last_renewal()
    {
        await using var cluster = new InProcessTestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var run = cluster.Client.GetGrain<IRunCoordinatorGrain>("run");
        await run.Open(Spec());
        await run.Offer([Item("a")]);
        Assert.Equal("a", (await run.Take("w1", 1)).Items.Single().UnitId);
        for (int i = 0; i < 8; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await run.Renew("w1", ["a"]);
        }
        // w1 stops renewing (it died). A renewal extends from the time it arrives, so the unit goes out again one lease
        // time after the last one — not earlier (renewals ignored), not 8 lease times later (each extending the last
        // expiry). The upper bound leaves 4 s for a loaded machine; the second fault would take 14 s. LeaseBookTests
        // hold the exact times on a clock of their own.
        var sinceLastRenewal = System.Diagnostics.Stopwatch.StartNew();
        WorkItem? again = null;
        while (again is null && sinceLastRenewal.Elapsed < ClusterTimings.LeaseTime + TimeSpan.FromSeconds(16))
        {
            again = (await run.Take("w2", 1)).Items.SingleOrDefault();
            if (again is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
        var elapsed = sinceLastRenewal.Elapsed;
        Assert.NotNull(again);
        Assert.Equal(("a", 2), (again!.UnitId, again.Attempt));
        Assert.True(elapsed >= ClusterTimings.LeaseTime - TimeSpan.FromMilliseconds(250), $"re-issued {elapsed.TotalSeconds:F2} s after the last renewal, before the lease lapsed");
        Assert.True(elapsed < ClusterTimings.LeaseTime + TimeSpan.FromSeconds(4), $"re-issued {elapsed.TotalSeconds:F2} s after the last renewal (lease {ClusterTimings.LeaseTime.TotalSeconds} s)");
        Assert.Equal(1, (await run.Poll(0, [])).ExpiredLeases);
    }

    [Fact]
    public async Task A_late_result_of_an_expired_lease_takes_the_unit_out_of_the_queue()
    {
        await using var cluster = new InProcessTestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var run = cluster.Client.GetGrain<IRunCoordinatorGrain>("run");
        await run.Open(Spec());
        await run.Offer([Item("a"), Item("b")]);
        Assert.Equal("a", (await run.Take("w1", 1)).Items.Single().UnitId);
        // w1 is slow to renew: its lease lapses and "a" goes back to the front of the queue ...
        var lapsed = System.Diagnostics.Stopwatch.StartNew();
        while ((await run.Poll(0, [])).ExpiredLeases == 0)
        {
            Assert.True(lapsed.Elapsed < ClusterTimings.LeaseTime + TimeSpan.FromSeconds(30), "the lease never lapsed");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(2, (await run.Poll(0, [])).Queued);
        // ... then its result arrives after all: "a" is done, so nobody computes it again.
        await run.Complete(Result("a", "w1", 1));
        var status = await run.Poll(10, []);
        Assert.Equal("a", Assert.Single(status.Results).UnitId);
        Assert.Equal(1, status.Queued);
        var next = await run.Take("w2", 5);
        Assert.Equal(["b"], next.Items.Select(i => i.UnitId));
    }

    [Fact]
    public async Task Only_a_worker_given_a_unit_under_that_attempt_can_complete_it()
    {
        await using var cluster = new InProcessTestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var run = cluster.Client.GetGrain<IRunCoordinatorGrain>("run");
        await run.Open(Spec());
        await run.Offer([Item("a"), Item("b")]);
        Assert.Equal("a", (await run.Take("w1", 1)).Items.Single().UnitId);

        await run.Complete(Result("a", "intruder", 1)); // never given a unit
        await run.Complete(Result("a", "w1", 2));       // given "a", but not a second attempt
        await run.Complete(Result("b", "w1", 1));       // still queued: given to nobody
        await run.Complete(Result("zzz", "w1", 1));     // not a unit of this run
        var refused = await run.Poll(10, []);
        Assert.Empty(refused.Results);
        Assert.Equal(4, refused.RefusedResults);
        Assert.Equal((1, 1), (refused.Queued, refused.Leased)); // the forged results did not release the lease or the queue

        await run.Complete(Result("a", "w1", 1));
        var accepted = await run.Poll(10, []);
        Assert.Equal(("a", "w1"), (accepted.Results.Single().UnitId, accepted.Results.Single().Worker));
        Assert.Equal(4, accepted.RefusedResults);
    }

    [Fact]
    public async Task An_expired_lease_is_handed_out_again_and_a_renewed_one_is_not()
    {
        await using var cluster = new InProcessTestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var run = cluster.Client.GetGrain<IRunCoordinatorGrain>("run");
        await run.Open(Spec());
        await run.Offer([Item("a"), Item("b")]);
        var first = await run.Take("w1", 1);
        var second = await run.Take("w2", 1);
        Assert.Equal(("a", 1), (first.Items.Single().UnitId, first.Items.Single().Attempt));
        Assert.Equal(("b", 1), (second.Items.Single().UnitId, second.Items.Single().Attempt));

        for (int i = 0; i < 4; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await run.Renew("w2", ["b"]); // w2 is alive, w1 died
        }
        var again = await run.Take("w2", 5);
        var reissued = Assert.Single(again.Items);
        Assert.Equal(("a", 2), (reissued.UnitId, reissued.Attempt));

        await run.Complete(Result("a", "w2", 2));
        await run.Complete(Result("a", "w1", 1)); // the first worker was only slow: its late result is a duplicate
        await run.Complete(Result("b", "w2", 1));
        await run.Offer([Item("a")]);             // known: ignored
        var status = await run.Poll(10, []);
        Assert.Equal(["a", "b"], status.Results.Select(r => r.UnitId).Order());
        Assert.Equal(2, status.Results.Single(r => r.UnitId == "a").Attempt);
        Assert.Equal(0, status.Queued);
        Assert.Equal(0, status.Leased);
        Assert.Equal(["w1", "w2"], status.Workers); // both heard from within the run's expiry

        // The reply was lost on the way: nothing acknowledged, so the next poll delivers both again; acknowledged,
        // they are gone.
        var lost = await run.Poll(10, []);
        Assert.Equal(["a", "b"], lost.Results.Select(r => r.UnitId).Order());
        var acknowledged = await run.Poll(10, ["a", "b"]);
        Assert.Empty(acknowledged.Results);
    }
}
