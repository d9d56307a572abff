using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>TorchSharp's native backend loads here, and the build marked its one too-new libstdc++ need weak in the output.</summary>
public class NativeBackendTests
{
    private const string Library = "libLibTorchSharp.so";
    private const string Tag = "GLIBCXX_3.4.32";

    [Fact]
    public void The_native_backend_loads_and_computes()
    {
        Assert.True(TryInitializeDeviceType(DeviceType.CPU));
        using var a = arange(1, 5, dtype: ScalarType.Float32).reshape(2, 2);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [SkippableFact]
    public void The_output_copy_has_a_weak_need_for_the_libstdcxx_tag_and_the_nuget_cache_is_untouched()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64, "Linux x64 only.");
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", Library);
        Skip.IfNot(File.Exists(output), $"{output} not found (RID-specific layout).");
        var readelf = ReadElfVersions(output);
        Skip.If(readelf is null, "readelf (binutils) is not installed.");

        // Marked weak whatever this machine's libstdc++ has: the output may run on an older system than the one that built it.
        string line = readelf!.Split('\n').Single(l => l.Contains("Name: " + Tag, StringComparison.Ordinal));
        Assert.Contains("WEAK", line, StringComparison.Ordinal);
        Assert.Null(new FileInfo(output).LinkTarget); // a private copy, not a link into the cache

        // The package in the NuGet cache keeps its original flags.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var original = Path.Combine(cache, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", Library);
        Skip.IfNot(File.Exists(original), $"{original} not found.");
        string originalLine = ReadElfVersions(original)!.Split('\n').Single(l => l.Contains("Name: " + Tag, StringComparison.Ordinal));
        Assert.DoesNotContain("WEAK", originalLine, StringComparison.Ordinal);
    }

    private static string? ReadElfVersions(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("readelf", ["-V", "--wide", path])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
