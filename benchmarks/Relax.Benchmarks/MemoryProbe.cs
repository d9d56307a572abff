using System.Diagnostics;
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

        Console.WriteLine("Resident memory during one run of 50,000 masks (batch 128):");
        var marks = new SortedDictionary<int, long>();
        var progress = new SyncProgress(p =>
        {
            foreach (var mark in Marks)
            {
                if (p.MasksDone >= mark && !marks.ContainsKey(mark))
                {
                    marks[mark] = Resident();
                }
            }
        });
        var clock = Stopwatch.StartNew();
        new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 50_000, BatchSize = 128 }).Explain(input, progress);
        foreach (var (mark, bytes) in marks)
        {
            Console.WriteLine($"  after {mark,6} masks: {bytes / 1048576.0,8:F1} MiB ({(bytes - marks[1_000]) * 100.0 / marks[1_000],5:+0.0;-0.0} % vs 1,000)");
        }
        Console.WriteLine($"  ({clock.Elapsed.TotalSeconds:F1} s)");

        Console.WriteLine("Resident memory across 100 explained inputs (2,000 masks each):");
        var explainer = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 2_000, BatchSize = 128 });
        long first = 0;
        for (int clip = 1; clip <= 100; clip++)
        {
            using var x = randn(96, 64, generator: new Generator((ulong)clip));
            explainer.Explain(x);
            if (clip is 1 or 10 or 50 or 100)
            {
                long bytes = Resident();
                first = clip == 1 ? bytes : first;
                Console.WriteLine($"  after {clip,3} inputs: {bytes / 1048576.0,8:F1} MiB ({(bytes - first) * 100.0 / first,5:+0.0;-0.0} % vs 1)");
            }
        }
        return 0;
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

        public Tensor Embed(Tensor inputs) => _network.forward(inputs);

        public void Dispose() => _network.Dispose();
    }
}
