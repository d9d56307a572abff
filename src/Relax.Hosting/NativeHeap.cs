using System.Runtime.InteropServices;

namespace Relax.Hosting;

/// <summary>
/// Gives memory that libtorch has freed back to the operating system. On Linux with glibc, a long run that frees and
/// reallocates large activation buffers makes the allocator raise its mmap threshold and keep those buffers in its
/// heap, where fragmentation lets resident memory creep up although nothing leaks (measured with
/// <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- memory</c>: malloc's in-use bytes and the live
/// tensor count stay flat while resident memory grows). <see cref="Trim"/> calls glibc's <c>malloc_trim(0)</c>;
/// elsewhere (other C libraries, Windows, macOS) it does nothing.
/// </summary>
/// <remarks>A trim is a process-wide side effect, so it is a host's policy, not the engine's: the <c>relax</c> command
/// and <c>DatasetEvaluator</c> (Relax.Runs) call <see cref="TrimIfDue"/> after each explained input; a library caller with
/// a long-running process can do the same.</remarks>
public static class NativeHeap
{
    private static volatile bool _unavailable = !OperatingSystem.IsLinux();
    private static long _lastTrimTicks = Environment.TickCount64;

    /// <summary>The least time between two trims made by <see cref="TrimIfDue"/>: one minute. A trim costs more than
    /// the call: the pages it releases are faulted in again when reused, about 0.3 s per trim for VGGish at batch 64 in
    /// float32 (measured: at a 5-second interval RELAX lost 7 % of its throughput), so a minute keeps it under 0.5 %.</summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls <see cref="Trim"/> if no call of this method has trimmed in the last <see cref="MinimumInterval"/>
    /// (process-wide, thread-safe); true if it trimmed.</summary>
    public static bool TrimIfDue()
    {
        if (_unavailable)
        {
            return false;
        }
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastTrimTicks);
        if (now - last < (long)MinimumInterval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastTrimTicks, now, last) != last)
        {
            return false;
        }
        Trim();
        return true;
    }

    /// <summary>Returns free native heap memory to the operating system; true if anything was released.</summary>
    /// <remarks>Pages it releases are faulted in again when reused, so hosts go through <see cref="TrimIfDue"/>.</remarks>
    public static bool Trim()
    {
        if (_unavailable)
        {
            return false;
        }
        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            _unavailable = true; // musl and other C libraries have no malloc_trim
            return false;
        }
    }

    /// <summary>Makes the next <see cref="TrimIfDue"/> call due (for tests).</summary>
    internal static void MakeDue() =>
        Interlocked.Exchange(ref _lastTrimTicks, Environment.TickCount64 - (long)MinimumInterval.TotalMilliseconds - 1);

    /// <summary>Whether trimming works in this process (glibc with malloc_trim).</summary>
    internal static bool Available => !_unavailable;

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
