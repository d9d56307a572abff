using System.Runtime.InteropServices;

namespace Relax.Hosting;

/// <summary>
/// How libtorch's OpenMP worker threads wait between parallel regions. By default they spin for a while (GNU OpenMP's
/// active wait), which is fastest on an idle machine and ruinous on a shared one: with two CPU-bound processes beside
/// it on 2 cores, one <c>relax explain</c> took from 3.6 s to 23.4 s instead of 1.6 s, because spinning workers take the
/// cores the thread they wait for needs. <see cref="PreferPassiveWaiting"/> sets <c>OMP_WAIT_POLICY=PASSIVE</c> (workers
/// sleep at once) unless the user's environment already says otherwise; figures in docs/performance.md.
/// </summary>
/// <remarks>OpenMP reads its environment when libtorch is loaded, so a host calls this first thing, before any tensor
/// exists; later calls have no effect on a loaded runtime. .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// only changes the managed copy of the environment on Unix, hence the call to the C library's <c>setenv</c>: written
/// by hand because no library exposes it. A process-wide choice, so a host's, never the engine's.</remarks>
public static class NativeThreads
{
    /// <summary>The variable this sets.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> for this process unless the variable is already set (by the user,
    /// who keeps the last word); true if it set it.</summary>
    public static bool PreferPassiveWaiting()
    {
        bool set = SetUnlessPresent(WaitPolicyVariable, "PASSIVE");
        SetByHost |= set;
        return set;
    }

    /// <summary>The variable <see cref="PreferThreadCountIndependentResults"/> sets.</summary>
    public const string MklReproducibilityVariable = "MKL_CBWR";

    /// <summary>Sets <c>MKL_CBWR=AUTO,STRICT</c> for this process unless the variable is already set: MKL's strict
    /// conditional numerical reproducibility, in which its matrix products (libtorch's CPU <c>matmul</c> and linear
    /// layers) give the same bits whatever the number of threads and the alignment of the buffers. Without it a
    /// one-thread cluster worker and a two-thread process round the same product differently now and then (one ulp in
    /// one flipping-curve point, seen in <c>relax evaluate --cluster</c>), and byte-identical output folders need the
    /// same bits. It costs nothing measurable here (docs/performance.md). True if it set the variable.</summary>
    public static bool PreferThreadCountIndependentResults() => SetUnlessPresent(MklReproducibilityVariable, "AUTO,STRICT");

    private static bool SetUnlessPresent(string name, string value)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            return false;
        }
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            try
            {
                return SetEnv(name, value, 0) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
        return true; // Windows: the process environment is the one native code reads
    }

    /// <summary>True once <see cref="PreferPassiveWaiting"/> has set the policy in this process.</summary>
    public static bool SetByHost { get; private set; }

    /// <summary>The wait policy native code (OpenMP) sees in this process's environment, or null when unset (OpenMP's
    /// default: spin for a while, then sleep). On Unix this reads the C library's environment, not .NET's copy.</summary>
    public static string? WaitPolicy
    {
        get
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                try
                {
                    return Marshal.PtrToStringAnsi(GetEnv(WaitPolicyVariable));
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                    return null;
                }
            }
            return Environment.GetEnvironmentVariable(WaitPolicyVariable);
        }
    }

    /// <summary>One line saying which wait policy native threads use and where it came from.</summary>
    public static string Describe() => WaitPolicy switch
    {
        null or "" => $"OpenMP threads wait by OpenMP's default (spin, then sleep); set {WaitPolicyVariable}=PASSIVE on a shared machine",
        var policy when SetByHost => $"OpenMP threads wait {policy} (set by this host; {WaitPolicyVariable} in the environment overrides it)",
        var policy => $"OpenMP threads wait {policy} (from {WaitPolicyVariable} in the environment)",
    };

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetEnv(string name);
}
