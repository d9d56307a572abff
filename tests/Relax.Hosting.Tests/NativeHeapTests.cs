namespace Relax.Hosting.Tests;

public class NativeHeapTests
{
    [Fact]
    public void Trim_if_due_trims_once_then_waits_for_the_interval()
    {
        NativeHeap.Trim(); // callable anywhere: a no-op off glibc
        NativeHeap.MakeDue();
        bool first = NativeHeap.TrimIfDue();
        bool second = NativeHeap.TrimIfDue();
        bool third = NativeHeap.TrimIfDue();
        Assert.Equal(NativeHeap.Available, first); // on glibc (CI: Debian) the first due call trims
        Assert.False(second);
        Assert.False(third);
        Assert.True(NativeHeap.MinimumInterval >= TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public void On_linux_with_glibc_trimming_is_available()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"), "glibc on x86-64 Linux only");
        Assert.True(NativeHeap.Available);
    }
}
