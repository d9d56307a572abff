using System.Diagnostics;
using System.Runtime.InteropServices;
using Relax.Hosting;
using Relax.Masks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Benchmarks;

/// <summary>
/// Checks TorchSharp hygiene where it matters: resident memory must stay flat over a long RELAX run and across many
/// explained inputs in one process. Uses a small convolutional embedder so that 50,000 masks take a minute.
/// Run: dotnet run -c Release --project benchmarks/Relax.Benchmarks -- memory
/// </summary>
public static class MemoryProbe
{
    private static readonly int[] Marks = [1_000, 5_000, 10_000, 25_000, 50_000];

    public static int Diagnose()
    {
        using var embedder = new SmallConvEmbedder();
        var input = randn(96, 64, generator: new Generator(3));
        var progress = new SyncProgress(p =>
        {
            if (p.MasksDone % 2560 == 0)
            {
                var stats = DisposeScopeManager.Statistics;
                Console.WriteLine($"{p.MasksDone,6} rss {Resident() / 1048576.0,7:F1} MiB live {stats.ThreadTotalLiveCount} created {stats.CreatedOutsideScopeCount}/{stats.CreatedInScopeCount} disposed {stats.DisposedInScopeCount}");
            }
        });
        new RelaxExplainer(embedder, new TimeFrequencyMasks(8, 4, 0.5), new RelaxOptions { MaskCount = 25_600, BatchSize = 128 }).Explain(input, progress);
        return 0;
    }

    public static int Run()
    {
        using var embedder = new SmallConvEmbedder();
        var input = randn(96, 64, generator: new Generator(3));
        var masks = new TimeFrequencyMasks(8, 4, 0.5);

        {
            Console.WriteLine("Resident memory during one run of 50,000 masks (batch 128, default options): at each mark, and the");
            Console.WriteLine("largest and median resident size over every batch of the window that ends there (read from /proc/self/statm):");
            var marks = new SortedDictionary<int, long>();
            var window = new List<long>();
            var windows = new SortedDictionary<int, (long Max, long Median)>();
            var progress = new SyncProgress(p =>
            {
                window.Add(Statm());
                foreach (var mark in Marks)
                {
                    if (p.MasksDone >= mark && !marks.ContainsKey(mark))
                    {
                        window.Sort();
                        windows[mark] = (window[^1], window[window.Count / 2]);
                        window.Clear();
                        marks[mark] = Resident();
                    }
                }
            });
            var clock = Stopwatch.StartNew();
            new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 50_000, BatchSize = 128 }).Explain(input, progress);
            foreach (var (mark, bytes) in marks)
            {
                var (max, median) = windows[mark];
                Console.WriteLine($"  after {mark,6} masks: {bytes / 1048576.0,8:F1} MiB ({(bytes - marks[1_000]) * 100.0 / marks[1_000],5:+0.0;-0.0} % vs 1,000); window max {max / 1048576.0,6:F1} MiB ({(max - windows[1_000].Max) * 100.0 / windows[1_000].Max,5:+0.0;-0.0} %), median {median / 1048576.0,6:F1} MiB ({(median - windows[1_000].Median) * 100.0 / windows[1_000].Median,5:+0.0;-0.0} %)");
            }
            Console.WriteLine($"  ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        Console.WriteLine("Resident memory across 100 explained inputs (2,000 masks each); managed heap, live TorchSharp tensors and glibc malloc's");
        Console.WriteLine("in-use bytes beside it (mallinfo2: uordblks + hblkhd) to tell a leak (in-use grows) from allocator caching:");
        var explainer = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 2_000, BatchSize = 128 });
        long first = 0, tenth = 0;
        for (int clip = 1; clip <= 100; clip++)
        {
            using var x = randn(96, 64, generator: new Generator((ulong)clip));
            explainer.Explain(x);
            if (clip is 1 or 2 or 3 or 5 or 10 or 20 or 30 or 50 or 75 or 100)
            {
                long bytes = Resident();
                first = clip == 1 ? bytes : first;
                tenth = clip == 10 ? bytes : tenth;
                var (inUse, arena) = Malloc();
                Console.WriteLine($"  after {clip,3} inputs: {bytes / 1048576.0,8:F1} MiB ({(bytes - first) * 100.0 / first,5:+0.0;-0.0} % vs 1{(clip >= 10 ? $", {(bytes - tenth) * 100.0 / tenth,5:+0.0;-0.0} % vs 10" : "")}); managed {GC.GetTotalMemory(false) / 1048576.0,5:F1} MiB ({GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0,5:F1} committed); live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}; malloc in use {inUse / 1048576.0,6:F1} MiB of {arena / 1048576.0,6:F1} MiB held");
            }
        }
        if (NativeHeap.Trim())
        {
            Console.WriteLine($"  after NativeHeap.Trim (malloc_trim(0)): {Resident() / 1048576.0,8:F1} MiB");
        }
        return 0;
    }

    /// <summary>glibc's mallinfo2: bytes in use (small + mmapped chunks) and bytes held (arena + mmapped); zeros elsewhere.</summary>
    private static (long InUse, long Held) Malloc()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }
        try
        {
            var info = mallinfo2();
            return ((long)(info.Uordblks + info.Hblkhd), (long)(info.Arena + info.Hblkhd));
        }
        catch (EntryPointNotFoundException)
        {
            return (0, 0); // glibc before 2.33, musl
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>Resident set size without a collection (second field of /proc/self/statm, in pages); 0 elsewhere.</summary>
    private static long Statm()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private sealed class SyncProgress(Action<RelaxProgress> report) : IProgress<RelaxProgress>
    {
        public void Report(RelaxProgress value) => report(value);
    }

    private sealed class SmallConvEmbedder : IEmbedder, IDisposable
    {
        private readonly Sequential _network = Sequential(
            Conv2d(1, 8, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(8, 16, 3, padding: 1), ReLU(), MaxPool2d(2),
            Flatten(), Linear(16 * 24 * 16, 64));

        public Device Device => CPU;

        public Tensor Embed(Tensor inputs) => _network.call(inputs);

        public void Dispose() => _network.Dispose();
    }
}
