using System.Diagnostics;
using System.Globalization;

namespace Relax.Benchmarks;

/// <summary>
/// Throughput on a shared machine: times the same <c>relax explain --count 2000 --example 1</c> on the bundled clip
/// (whole process, as a user sees it) quiet, beside one and beside two CPU-bound neighbours (shell busy loops, started
/// and stopped by PID here), with the CLI's own OpenMP policy (passive waiting, see <c>NativeThreads</c>) and with
/// <c>OMP_WAIT_POLICY=ACTIVE</c> (libgomp's spinning, the behaviour before). Prints min / median / max per condition and
/// the worst run's ratio to the quiet median of the same policy, side by side in one run.
/// </summary>
/// <remarks>Usage: <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- contention [runs] [active-runs]</c>
/// (defaults 20 and 5), after <c>dotnet build -c Release src/Relax.Cli</c>.</remarks>
internal static class ContentionProbe
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int activeRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = Relax.Benchmarks.Shared.RepositoryRoot.Find();
        var cli = Path.Combine(root, "src", "Relax.Cli", "bin", "Release", "net10.0", "relax.dll");
        var clip = Path.Combine(root, "samples", "data", "synthetic-bird.wav");
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"{cli}: build the CLI first (dotnet build -c Release src/Relax.Cli).");
            return 1;
        }
        Console.WriteLine($"relax explain {Path.GetFileName(clip)} --count 2000 --example 1, {Environment.ProcessorCount} cores; seconds per run (whole process)");
        Console.WriteLine($"{"policy",-22} {"neighbours",10} {"runs",5} {"min",7} {"median",7} {"max",7} {"max/quiet",10}");
        foreach (var (policy, count) in new[] { ("passive (default)", runs), ("ACTIVE (spinning)", activeRuns) })
        {
            double quiet = double.NaN;
            foreach (int neighbours in new[] { 0, 1, 2 })
            {
                var times = Measure(cli, clip, policy.StartsWith("ACTIVE", StringComparison.Ordinal) ? "ACTIVE" : null, neighbours, count);
                times.Sort();
                double median = times[times.Count / 2];
                if (neighbours == 0)
                {
                    quiet = median;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{policy,-22} {neighbours,10} {times.Count,5} {times[0],7:F2} {median,7:F2} {times[^1],7:F2} {times[^1] / quiet,10:F2}"));
            }
        }
        return 0;
    }

    private static List<double> Measure(string cli, string clip, string? waitPolicy, int neighbours, int runs)
    {
        var busy = new List<Process>();
        var output = Path.Combine(Path.GetTempPath(), "relax-contention-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (int n = 0; n < neighbours; n++)
            {
                busy.Add(Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!);
            }
            var times = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var start = new ProcessStartInfo("dotnet", [cli, "explain", clip, "--count", "2000", "--example", "1", "-o", output])
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                start.Environment.Remove("OMP_WAIT_POLICY");
                if (waitPolicy is not null)
                {
                    start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
                }
                var clock = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                clock.Stop();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"relax explain exited with {process.ExitCode}.");
                }
                times.Add(clock.Elapsed.TotalSeconds);
            }
            return times;
        }
        finally
        {
            foreach (var process in busy)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
            }
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }
}
