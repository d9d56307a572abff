namespace Relax.Core.Tests;

public class NativeHeapTests
{
    [Fact]
    public void Trim_if_due_trims_at_most_once_per_interval()
    {
        NativeHeap.Trim(); // callable anywhere: a no-op off glibc
        int trimmed = 0;
        for (int i = 0; i < 5; i++)
        {
            trimmed += NativeHeap.TrimIfDue() ? 1 : 0;
        }
        Assert.InRange(trimmed, 0, 1);
        Assert.True(NativeHeap.MinimumInterval >= TimeSpan.FromSeconds(1));
    }
}
