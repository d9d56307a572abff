using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Relax.Attribution;
using Relax.Audio;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models;
using Relax.Runs;
using Relax.Synthetic;
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
}
