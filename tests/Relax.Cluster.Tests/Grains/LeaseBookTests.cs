namespace Relax.Cluster.Tests;

/// <summary>The coordinator's bookkeeping on a clock the test holds: leases lapse exactly one lease time after they
/// were taken or last renewed (not earlier, not later), a late result takes its unit out of the queue, only the
/// worker given a unit under that attempt completes it, and a known unit is not queued twice. No wall-clock time: these
/// hold on a machine of any load.</summary>
public sealed class LeaseBookTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lease = ClusterTimings.LeaseTime;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private static WorkItem Item(string id) => new(id, new ExampleInput("time", 1, 2, 2, new byte[16]));

    private static WorkResult Result(string id, string worker, int attempt) =>
        new(id, worker, new ExplainOutput(2, 2, new byte[16], new byte[16], new byte[16], 1, 1, false, double.NaN, 0.1, 1, "time", []), attempt, T0);

    [Fact]
    public void A_lease_lapses_one_lease_time_after_it_was_taken()
    {
        var book = new LeaseBook();
        book.Offer([Item("a")]);
        Assert.Equal("a", book.Take("w1", 1, T0).Single().UnitId);
        Assert.Empty(book.Take("w2", 1, T0 + Lease - Tick));
        var again = Assert.Single(book.Take("w2", 1, T0 + Lease));
        Assert.Equal(("a", 2), (again.UnitId, again.Attempt));
        Assert.Equal(1, book.ExpiredLeases);
    }

    [Fact]
    public void A_renewal_extends_from_when_it_arrives_not_from_the_old_expiry()
    {
        var book = new LeaseBook();
        book.Offer([Item("a")]);
        book.Take("w1", 1, T0);
        var last = T0;
        for (int i = 1; i <= 8; i++)
        {
            last = T0 + i * Lease / 2;
            book.Renew("w1", ["a"], last);
            Assert.Empty(book.Take("w2", 1, last)); // renewed in time: never re-issued
        }
        // w1 stopped renewing at `last`: the unit goes out again one lease time later — not 8 lease times later.
        Assert.Empty(book.Take("w2", 1, last + Lease - Tick));
        var again = Assert.Single(book.Take("w2", 1, last + Lease));
        Assert.Equal(("a", 2), (again.UnitId, again.Attempt));
        Assert.Equal(1, book.ExpiredLeases);
    }

    [Fact]
    public void Another_workers_renewal_does_not_keep_a_lease_alive()
    {
        var book = new LeaseBook();
        book.Offer([Item("a")]);
        book.Take("w1", 1, T0);
        book.Renew("w2", ["a"], T0 + Lease / 2);
        Assert.Single(book.Take("w2", 1, T0 + Lease));
    }

    [Fact]
    public void A_late_result_of_a_lapsed_lease_takes_its_unit_out_of_the_queue()
    {
        var book = new LeaseBook();
        book.Offer([Item("a"), Item("b")]);
        book.Take("w1", 1, T0);
        book.ReissueExpired(T0 + Lease);
        Assert.Equal((2, 0), (book.Queued, book.Leased));
        Assert.True(book.Complete(Result("a", "w1", 1)));
        Assert.Equal(1, book.Queued);
        Assert.Equal(["b"], book.Take("w2", 5, T0 + Lease).Select(i => i.UnitId));
    }

    [Fact]
    public void Only_the_worker_given_a_unit_under_that_attempt_completes_it()
    {
        var book = new LeaseBook();
        book.Offer([Item("a"), Item("b")]);
        book.Take("w1", 1, T0);
        Assert.False(book.Complete(Result("a", "intruder", 1)));
        Assert.False(book.Complete(Result("a", "w1", 2)));
        Assert.False(book.Complete(Result("b", "w1", 1)));
        Assert.Equal((3, 1, 1), (book.RefusedResults, book.Queued, book.Leased));
        // Re-issued to w2 after a lapse: both w1's late result (attempt 1) and w2's (attempt 2) are accepted.
        book.Take("w2", 1, T0 + Lease);
        Assert.True(book.Complete(Result("a", "w1", 1)));
        Assert.True(book.Complete(Result("a", "w2", 2)));
        Assert.Equal(3, book.RefusedResults);
    }

    [Fact]
    public void A_known_unit_is_not_queued_twice_until_it_is_forgotten()
    {
        var book = new LeaseBook();
        book.Offer([Item("a"), Item("a")]);
        Assert.Equal(1, book.Queued);
        book.Take("w1", 1, T0);
        book.Offer([Item("a")]);
        Assert.Equal(0, book.Queued);
        book.Complete(Result("a", "w1", 1));
        book.Offer([Item("a")]);
        Assert.Equal(0, book.Queued);
        book.Forget("a");
        book.Offer([Item("a")]);
        Assert.Equal(1, book.Queued);
    }
}
