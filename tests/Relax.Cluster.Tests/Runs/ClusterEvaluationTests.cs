using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Relax.Attribution;
using Relax.Audio;
using Relax.Core.Tests;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models;
using Relax.Runs;
using Relax.Synthetic;
using Relax.Waveform;
using Xunit.Abstractions;

namespace Relax.Cluster.Tests;

/// <summary>
/// A dataset evaluation (<c>relax evaluate --cluster</c>) on an in-process Orleans cluster whose silos are Relax
/// workers with their own copy of the default model, its classifier head and its LRP network, with every explainer
/// (each setting a worker rebuilds differs from its default: occlusion window and stride, IG steps, N, seeds): every clip is evaluated
/// once by some worker, and the folder the client writes (maps, curves, per-clip, per-class, accuracy, rank-correlation
/// and audio CSVs) equals a single-process run's byte for byte — also with the other-input replacement, whose donor
/// travels with each clip. A worker whose model has no classifier head is refused when the client's has one.
/// </summary>
public sealed class ClusterEvaluationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ClusterModel Float32Cpu = new(SyntheticAnimalModel.Identity, "Float32", "cpu");
    private static readonly string[] Explainers = ["relax", "u-relax", "occlusion", "gradient", "integrated-gradients", "rise", "lrp"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "relax-cluster-eval-" + Guid.NewGuid().ToString("N"));
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

    private static AttributionSettings Attribution(AudioModel model, bool head = true) => new(model.Embedder)
    {
        Head = head ? model.Head : null,
        Lrp = LrpNetwork.For(model)!,
        RelaxMasks = MaskGenerators.Create("time-frequency"),
        Relax = new RelaxOptions { MaskCount = 64, BatchSize = 32, Seed = 5 },
        OcclusionWindow = (24, 16),
        OcclusionStride = (12, 8),
        IntegratedGradientsSteps = 4,
    };

    private DatasetEvaluationOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_root, name),
        Flipping = new PixelFlippingOptions { StepFraction = 0.25, BatchSize = 16, Seed = 7 },
        Replacements = [MaskReplacement.Mean],
        UseOtherInputReplacement = true,
        Audio = new AudioFaithfulnessOptions { EvidenceFraction = 0.2, Seed = 7 },
        ClassNames = SyntheticAnimalModel.ClassNames,
        Settings = new RunSettings([new("host", "test")]),
    };

    /// <summary>Six generated clips, two per class, with their audio.</summary>
    private static List<EvaluationItem> Items() =>
        SyntheticExamples.Generate(perClass: 2, firstSeed: SyntheticAnimalModel.HeldOutFirstSeed)
            .Select((e, k) => new EvaluationItem($"clip-{k}", e.LogMel, (int)e.Label)
            {
                Waveform = new VGGishFrontEnd().FromWaveform(e.Clip.Samples, e.Clip.SampleRate).ExampleWaveform(0),
            })
            .ToList();

    private InProcessTestCluster Cluster(short silos, bool head = true)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            var model = SyntheticAnimalModel.Load();
            _models.Add(model);
            var attribution = Attribution(model, head);
            siloBuilder.AddRelaxWorker(new ClusterWorkerOptions(model.Embedder, Float32Cpu) { Name = silo.SiloName, Head = attribution.Head, Lrp = attribution.Lrp });
        });
        return builder.Build();
    }

    private async Task<(DatasetEvaluationSummary Summary, IReadOnlyDictionary<string, int> ByWorker)> OnCluster(InProcessTestCluster cluster, string name)
    {
        using var model = SyntheticAnimalModel.Load(); // the client's model states the fingerprint; workers explain with theirs
        var attribution = Attribution(model);
        var options = Options(name);
        var evaluator = new DatasetEvaluator(model.Embedder, [.. Explainers.Select(n => AttributionMethods.Create(n, attribution))], options, model.Head);
        await using var executor = ClusterUnitExecutor.ForEvaluation(cluster.Client, Explainers, attribution, options, new ClusterRunOptions(Float32Cpu) { Window = 4 });
        await executor.StartAsync();
        var summary = await evaluator.RunAsync(Items(), executor);
        return (summary, executor.CompletedByWorker);
    }

    [Fact]
    public async Task Three_workers_evaluate_every_clip_once_and_the_folder_equals_a_single_process_run()
    {
        DatasetEvaluationSummary local;
        using (var model = SyntheticAnimalModel.Load())
        {
            var attribution = Attribution(model);
            local = new DatasetEvaluator(model.Embedder, [.. Explainers.Select(n => AttributionMethods.Create(n, attribution))], Options("local"), model.Head).Run(Items());
        }
        await using var cluster = Cluster(3);
        await cluster.DeployAsync();
        var (summary, byWorker) = await OnCluster(cluster, "cluster");
        output.WriteLine($"clips per worker: {string.Join(", ", byWorker.Select(w => $"{w.Key} {w.Value}"))}");

        Assert.Equal(6, summary.Computed);
        Assert.Equal(6, byWorker.Values.Sum());
        Assert.Equal(6, cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<ClusterWorker>().Completed));
        Assert.True(summary.Audio.Count > 0, "no audio scores");
        string a = Path.Combine(_root, "local"), b = Path.Combine(_root, "cluster");
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6 * Explainers.Length + 5, files.Count); // maps, and per-clip, per-class, accuracy, rank-correlation, audio CSVs
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, file))), $"{file} differs");
        }
        // result.json differs only in the explainers' timings.
        for (int k = 0; k < 6; k++)
        {
            var mine = ClipEvaluation.FromJson(File.ReadAllBytes(Path.Combine(b, "clips", $"clip-{k}", DatasetEvaluator.ResultFile)));
            var theirs = local.Clips[k];
            Assert.Equal(theirs.ToJson(), (mine with { ExplainSeconds = theirs.ExplainSeconds }).ToJson());
        }
        output.WriteLine($"{files.Count} files identical; per-clip results equal but for timings");

        // Run again into the same folder: every clip is reused, nothing goes to the cluster.
        var (again, byWorkerAgain) = await OnCluster(cluster, "cluster");
        Assert.Equal(6, again.Reused);
        Assert.Empty(byWorkerAgain);
    }

    [Fact]
    public async Task A_worker_without_a_classifier_head_is_refused_when_the_client_has_one()
    {
        await using var cluster = Cluster(1, head: false);
        await cluster.DeployAsync();
        var e = await Assert.ThrowsAsync<ClusterMismatchException>(() => OnCluster(cluster, "cluster").WaitAsync(TimeSpan.FromMinutes(1)));
        output.WriteLine(e.Message);
        Assert.Contains("classifier head", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_waveform_models_evaluation_on_two_workers_equals_a_single_process_run()
    {
        // Each clip travels with its samples; the recipe carries the STFT; workers build the explainers on each clip's cells.
        var cells = StftCells.ForRate(16_000);
        var items = Enumerable.Range(0, 3).Select(k =>
        {
            var random = new Random(k);
            var samples = Enumerable.Range(0, 6000).Select(i => (float)((i < 3000 ? 0.02 : 0.3) * (2 * random.NextDouble() - 1))).ToArray();
            return new EvaluationItem($"wave-{k}", cells.Spectrogram(samples)) { Waveform = samples };
        }).ToList();
        var model = new HalvesWaveformEmbedder();
        var attribution = new AttributionSettings(model)
        {
            RelaxMasks = MaskGenerators.Create("random-grid"),
            Relax = new RelaxOptions { MaskCount = 64, BatchSize = 32, Seed = 5, Replacement = MaskReplacement.Zero },
            OcclusionWindow = (8, 32),
            OcclusionStride = (8, 32),
            IntegratedGradientsSteps = 4,
        };
        string[] explainers = ["relax", "occlusion", "gradient", "integrated-gradients"];
        DatasetEvaluationOptions Waveform(string name) => new()
        {
            OutputDirectory = Path.Combine(_root, name),
            Flipping = new PixelFlippingOptions { StepFraction = 0.25, BatchSize = 16, Seed = 7 },
            Replacements = [MaskReplacement.Zero],
            Cells = cells,
        };
        IReadOnlyList<IAttributionMethod> On(IEmbedder clipCells) => [.. explainers.Select(n => AttributionMethods.Create(n, attribution with { Embedder = clipCells }))];
        new DatasetEvaluator(model, On, Waveform("wave-local")).Run(items);

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((silo, siloBuilder) => siloBuilder.AddRelaxWorker(new ClusterWorkerOptions(new HalvesWaveformEmbedder(), Float32Cpu) { Name = silo.SiloName }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var options = Waveform("wave-cluster");
        await using var executor = ClusterUnitExecutor.ForEvaluation(cluster.Client, explainers, attribution, options, new ClusterRunOptions(Float32Cpu) { Window = 4 });
        await executor.StartAsync();
        var summary = await new DatasetEvaluator(model, On, options).RunAsync(items, executor);

        Assert.Equal(3, summary.Computed);
        Assert.Equal(3, executor.CompletedByWorker.Values.Sum());
        string a = Path.Combine(_root, "wave-local"), b = Path.Combine(_root, "wave-cluster");
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(a, f)).ToList();
        Assert.Equal(3 * explainers.Length + 4, files.Count); // maps, and per-clip, per-class, accuracy (empty: no head), rank-correlation CSVs
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, file))), $"{file} differs");
        }
        output.WriteLine($"{files.Count} files identical");
    }
}
