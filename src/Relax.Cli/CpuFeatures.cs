namespace Relax.Cli;

/// <summary>What the CPU computes natively, for <c>--dtype auto</c>.</summary>
/// <remarks>Read from <c>/proc/cpuinfo</c> because .NET's intrinsics API has no flag for AVX-512 BF16 or AMX (written by
/// hand for that reason); elsewhere than Linux the answer is false, so auto means float32.</remarks>
internal static class CpuFeatures
{
    private static readonly Lazy<bool> NativeBFloat16 = new(() =>
    {
        try
        {
            return OperatingSystem.IsLinux() && File.ReadLines("/proc/cpuinfo")
                .Where(l => l.StartsWith("flags", StringComparison.Ordinal))
                .Take(1)
                .Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var flags && (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16")));
        }
        catch (IOException)
        {
            return false;
        }
    });

    /// <summary>True when the CPU has AVX-512 BF16 or AMX-BF16 instructions, where libtorch's bfloat16 kernels beat float32.</summary>
    public static bool HasNativeBFloat16 => NativeBFloat16.Value;
}
