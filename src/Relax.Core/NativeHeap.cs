using System.Runtime.InteropServices;

namespace Relax;

/// <summary>
/// Gives memory that libtorch has freed back to the operating system. On Linux with glibc, a long run that frees and
/// reallocates large activation buffers makes the allocator raise its mmap threshold and keep those buffers in its
/// heap, where fragmentation lets resident memory creep up although nothing leaks (measured with
/// <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- memory</c>: malloc's in-use bytes and the live
/// tensor count stay flat while resident memory grows). <see cref="Trim"/> calls glibc's <c>malloc_trim(0)</c>;
/// elsewhere (other C libraries, Windows, macOS) it does nothing.
/// </summary>
public static class NativeHeap
{
    private static volatile bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns free native heap memory to the operating system; true if anything was released.</summary>
    /// <remarks>Pages it releases are faulted in again when reused, so <see cref="RelaxExplainer"/> calls it every few
    /// seconds and at the end of an explanation, not per batch (see <see cref="RelaxOptions.TrimNativeHeap"/>).</remarks>
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
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // musl and other C libraries have no malloc_trim
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
