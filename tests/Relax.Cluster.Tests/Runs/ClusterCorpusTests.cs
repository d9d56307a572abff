using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Relax.Core.Tests;
using Relax.Masks;
using Relax.Runs;
using Relax.Synthetic;
using Relax.Waveform;
using Xunit.Abstractions;

namespace Relax.Cluster.Tests;

/// <summary>
/// A corpus explained on an in-process Orleans cluster (in-memory transport) whose silos are Relax workers, each with
/// its own copy of the default model: every unit is explained once, the output folder is byte for byte the
/// single-process run's (maps, CSV maps, class maps), also when a silo is killed mid-run, and a silo that joins
/// mid-run receives work; a worker that runs another dtype is refused with a message naming both.
/// </summary>
public sealed class ClusterCorpusTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ClusterModel Float32Cpu = new(SyntheticAnimalModel.Identity, "Float32", "cpu");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "relax-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentBag<IDisposable> _models = [];

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private CorpusOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_root, name),
        Masks = [MaskGenerators.Create("time-frequency"), MaskGenerators.Create("time")],
        Relax = new RelaxOptions { MaskCount = 96, BatchSize = 32, Seed = 3 },
    };

    /// <summary>Six generated clips, two per class, one example each.</summary>
    private static List<CorpusRecording> Corpus() =>
        SyntheticExamples.Generate(perClass: 2, firstSeed: SyntheticAnimalModel.HeldOutFirstSeed)
            .Select((e, k) => new CorpusRecording($"{e.Label.ToString().ToLowerInvariant()}/clip-{k}", e.Label.ToString().ToLowerInvariant(), $"content-{k}",
                () => new CorpusExamples([e.LogMel], [0.0])))
            .ToList();

    private InProcessTestCluster Cluster(short silos, ClusterModel? workerModel = null, bool broken = false, ClusterModel? firstSiloModel = null, IEmbedder? waveformModel = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        int configured = 0;
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            var model = SyntheticAnimalModel.Load();
            _models.Add(model);
            IEmbedder embedder = broken ? new BrokenEmbedder() : waveformModel ?? model.Embedder;
            var runs = Interlocked.Increment(ref configured) == 1 && firstSiloModel is not null ? firstSiloModel : workerModel ?? Float32Cpu;
            siloBuilder.AddRelaxWorker(new ClusterWorkerOptions(embedder, runs) { Name = silo.SiloName });
        });
        return builder.Build();
    }

    /// <summary>A model that fails on every input, as a worker whose GPU ran out of memory would.</summary>
    private sealed class BrokenEmbedder : IEmbedder
    {
        public TorchSharp.torch.Device Device => TorchSharp.torch.CPU;

        public TorchSharp.torch.Tensor Embed(TorchSharp.torch.Tensor inputs) => throw new InvalidOperationException("out of memory (simulated)");
    }

    private CorpusSummary Local(string name)
    {
        using var model = SyntheticAnimalModel.Load();
        return new CorpusExplainer(model.Embedder, Options(name)).Run(Corpus());
    }

    private static async Task<(CorpusSummary Summary, IReadOnlyDictionary<string, int> ByWorker)> OnCluster(InProcessTestCluster cluster, CorpusOptions options,
        IProgress<CorpusProgress>? progress = null, ClusterModel? asked = null)
    {
        var (summary, byWorker, _) = await OnClusterCounted(cluster, options, progress, asked);
        return (summary, byWorker);
    }

    private static async Task<(CorpusSummary Summary, IReadOnlyDictionary<string, int> ByWorker, int ExpiredLeases)> OnClusterCounted(InProcessTestCluster cluster,
        CorpusOptions options, IProgress<CorpusProgress>? progress = null, ClusterModel? asked = null)
    {
        using var model = SyntheticAnimalModel.Load(); // the client's model is not used to explain (only for the runner's type)
        await using var executor = ClusterUnitExecutor.ForCorpus(cluster.Client, options, new ClusterRunOptions(asked ?? Float32Cpu) { Window = 8 });
        await executor.StartAsync();
        var summary = await new CorpusExplainer(model.Embedder, options).RunAsync(Corpus(), executor, progress);
        foreach (var reissue in executor.Reissues)
        {
            Console.WriteLine($"re-issued {reissue.UnitId} (lease {reissue.Attempt}) at {reissue.LeasedAt:HH:mm:ss.fff} to {reissue.Worker}; coordinator restarts {executor.CoordinatorRestarts}");
        }
        return (summary, executor.CompletedByWorker, executor.ExpiredLeases);
    }

    /// <summary>Every map, CSV map and class map of <paramref name="b"/> equals <paramref name="a"/>'s byte for byte.</summary>
    private void AssertSameMaps(string a, string b)
    {
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith("saliency.csv", StringComparison.Ordinal) || f.EndsWith("uncertainty.csv", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 6 * 2 * 5, $"only {files.Count} map files in {a}");
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, file))), $"{file} differs");
        }
        output.WriteLine($"{files.Count} map files identical");
    }

    [Fact]
    public async Task Three_workers_explain_every_unit_once_and_the_folder_equals_a_single_process_run()
    {
        var local = Local("local");
        await using var cluster = Cluster(3);
        await cluster.DeployAsync();
        var (summary, byWorker, expired) = await OnClusterCounted(cluster, Options("cluster"));
        output.WriteLine($"units per worker: {string.Join(", ", byWorker.Select(w => $"{w.Key} {w.Value}"))}; leases expired: {expired}");
        // What the cluster promises: every unit written exactly once and identical to a single-process run's; a unit
        // is computed at least once, and again only when its lease lapsed (a loaded machine can delay renewals).
        Assert.Equal(12, summary.Explained);
        Assert.Equal(12, byWorker.Values.Sum());
        Assert.Equal(local.Units.Select(u => (u.Recording, u.Example, u.MaskKind, u.Seed, u.MasksUsed)), summary.Units.Select(u => (u.Recording, u.Example, u.MaskKind, u.Seed, u.MasksUsed)));
        AssertSameMaps(Path.Combine(_root, "local"), Path.Combine(_root, "cluster"));
        var workers = cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<ClusterWorker>().Completed);
        Assert.InRange(workers, 12, 12 + expired);
    }

    [Fact]
    public async Task A_waveform_corpus_on_two_workers_equals_a_single_process_run()
    {
        // A waveform model's units carry their samples and STFT to the worker, which explains them over their cells.
        var cells = StftCells.ForRate(16_000);
        var waves = Enumerable.Range(0, 4).Select(k =>
        {
            var random = new Random(k);
            return Enumerable.Range(0, 6000).Select(i => (float)((i > 3000 ? 0.3 : 0.05) * (2 * random.NextDouble() - 1))).ToArray();
        }).ToList();
        var corpus = waves.Select((w, k) => new CorpusRecording($"wave-{k}", k % 2 == 0 ? "a" : "b", $"content-{k}",
            () => new CorpusExamples([cells.Spectrogram(w)], [0.0], Waveforms: [w]))).ToList();
        CorpusOptions Waveform(string name) => Options(name) with { Cells = cells, Relax = Options(name).Relax with { Replacement = MaskReplacement.Zero } };
        var model = new HalvesWaveformEmbedder();
        new CorpusExplainer(model, Waveform("local")).Run(corpus);

        await using var cluster = Cluster(2, waveformModel: model);
        await cluster.DeployAsync();
        var options = Waveform("cluster");
        await using var executor = ClusterUnitExecutor.ForCorpus(cluster.Client, options, new ClusterRunOptions(Float32Cpu) { Window = 4 });
        await executor.StartAsync();
        var summary = await new CorpusExplainer(model, options).RunAsync(corpus, executor);

        Assert.Equal(8, summary.Explained);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "local"), "*.npy", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(_root, "local"), f)))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(_root, "local", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_root, "cluster", file))), $"{file} differs");
        }
        Assert.Equal(4 * 2 * 4 + 4, Directory.EnumerateFiles(Path.Combine(_root, "cluster"), "*.npy", SearchOption.AllDirectories).Count(f => !f.Contains("class-maps", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_the_folder_still_equals_a_single_process_run()
    {
        Local("local");
        await using var cluster = Cluster(3);
        await cluster.DeployAsync();
        var twoDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SyncProgress(p =>
        {
            if (p.UnitsDone >= 2)
            {
                twoDone.TrySetResult();
            }
        });
        var run = OnCluster(cluster, Options("cluster"), progress);
        await twoDone.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // Kill a worker that is not the first silo (the in-process cluster's primary keeps membership simple).
        var victim = cluster.Silos.Last(s => s.ServiceProvider.GetRequiredService<ClusterWorker>().Completed > 0 || s == cluster.Silos[^1]);
        output.WriteLine($"killing {victim.Name} at {DateTime.UtcNow:HH:mm:ss.fff}");
        await cluster.KillSiloAsync(victim);
        var (summary, byWorker) = await run.WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"units per worker: {string.Join(", ", byWorker.Select(w => $"{w.Key} {w.Value}"))}");
        Assert.Equal(12, summary.Explained);
        AssertSameMaps(Path.Combine(_root, "local"), Path.Combine(_root, "cluster"));
    }

    [Fact]
    public async Task A_worker_that_joins_mid_run_receives_work()
    {
        await using var cluster = Cluster(1);
        await cluster.DeployAsync();
        var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SyncProgress(p =>
        {
            if (p.UnitsDone >= 1)
            {
                firstDone.TrySetResult();
            }
        });
        var options = Options("cluster") with { Relax = new RelaxOptions { MaskCount = 640, BatchSize = 32, Seed = 3 } };
        var run = OnCluster(cluster, options, progress);
        await firstDone.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var joined = await cluster.StartAdditionalSiloAsync();
        var (summary, byWorker) = await run.WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"units per worker: {string.Join(", ", byWorker.Select(w => $"{w.Key} {w.Value}"))}");
        Assert.Equal(12, summary.Explained);
        Assert.True(joined.ServiceProvider.GetRequiredService<ClusterWorker>().Completed > 0, "the silo that joined explained nothing");
    }

    [Fact]
    public async Task A_worker_running_another_dtype_is_refused_with_both_named()
    {
        await using var cluster = Cluster(1, new ClusterModel(SyntheticAnimalModel.Identity, "BFloat16", "cpu"));
        await cluster.DeployAsync();
        var e = await Assert.ThrowsAsync<ClusterMismatchException>(() => OnCluster(cluster, Options("cluster")).WaitAsync(TimeSpan.FromMinutes(1)));
        output.WriteLine(e.Message);
        Assert.Contains("BFloat16", e.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mismatched_worker_takes_no_units_and_the_run_goes_on_with_the_others()
    {
        var bf16 = new ClusterModel(SyntheticAnimalModel.Identity, "BFloat16", "cpu");
        await using var cluster = Cluster(2, firstSiloModel: bf16);
        await cluster.DeployAsync();
        var local = Local("local");
        using var model = SyntheticAnimalModel.Load();
        var options = Options("cluster");
        await using var executor = ClusterUnitExecutor.ForCorpus(cluster.Client, options, new ClusterRunOptions(Float32Cpu) { Window = 8 });
        await executor.StartAsync();
        var summary = await new CorpusExplainer(model.Embedder, options).RunAsync(Corpus(), executor).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(local.Explained, summary.Explained);
        AssertSameMaps(Path.Combine(_root, "local"), Path.Combine(_root, "cluster"));
        var (refused, why) = Assert.Single(executor.RefusedWorkers);
        output.WriteLine($"{refused}: {why}");
        Assert.Contains("BFloat16", why, StringComparison.Ordinal);
        Assert.DoesNotContain(refused, executor.CompletedByWorker.Keys);
        Assert.Equal(local.Explained, executor.CompletedByWorker.Values.Sum());
    }

    [Fact]
    public async Task A_unit_that_fails_on_a_worker_stops_the_run_with_the_workers_message()
    {
        await using var cluster = Cluster(1, broken: true);
        await cluster.DeployAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OnCluster(cluster, Options("cluster")).WaitAsync(TimeSpan.FromMinutes(1)));
        output.WriteLine(e.Message);
        Assert.Contains("could not compute", e.Message, StringComparison.Ordinal);
        Assert.Contains("out of memory (simulated)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, after the fact).</summary>
    private sealed class SyncProgress(Action<CorpusProgress> report) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress value) => report(value);
    }
}
