using Relax.Masks;
using Relax.Runs;

namespace Relax.Cluster.Tests;

/// <summary>What a worker compares before it takes a run's units, one property at a time: the model's identity and
/// dtype must match the client's; the device need not (masks are the same bits on every device, issue 23); and every
/// RELAX setting a recipe carries comes back on the worker exactly as the client set it, while a spec that differs in
/// any one of them is a different spec.</summary>
public sealed class RunSpecsTests
{
    private static readonly ClusterModel Client = new("default model, weights sha256 d5a0", "Float32", "cpu");

    private static CorpusOptions Corpus(RelaxOptions relax, params string[] kinds) => new()
    {
        OutputDirectory = "unused",
        Masks = [.. kinds.Select(k => MaskGenerators.Create(k, 0.4))],
        Relax = relax,
    };

    private static readonly RelaxOptions Baseline = new() { MaskCount = 512, BatchSize = 32, Seed = 1 };

    public static TheoryData<string, ClusterModel, string?> Models => new()
    {
        { "the same model", Client, null },
        { "another identity", Client with { Identity = "Google VGGish, weights sha256 0123" }, "it runs the model 'Google VGGish, weights sha256 0123'" },
        { "another dtype", Client with { DType = "BFloat16" }, "its dtype is BFloat16, the run's Float32" },
        { "another device", Client with { Device = "cuda:0" }, null },
        { "another device and dtype", Client with { Device = "cuda:0", DType = "BFloat16" }, "its dtype is BFloat16" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_worker_is_refused_for_another_identity_or_dtype_and_never_for_its_device(string what, ClusterModel worker, string? expected)
    {
        var spec = RunSpecs.Create("run", Corpus(Baseline, "time"), Client, 0.4);
        var problems = RunSpecs.ModelMismatches(spec, worker);
        if (expected is null)
        {
            Assert.True(problems.Count == 0, $"{what}: {string.Join("; ", problems)}");
        }
        else
        {
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
            Assert.Single(problems);
        }
    }

    public static TheoryData<string, RelaxOptions, string[], double> Settings => new()
    {
        { "mask count", Baseline with { MaskCount = 640 }, ["time"], 0.4 },
        { "replacement", Baseline with { Replacement = MaskReplacement.Zero }, ["time"], 0.4 },
        { "normalisation", Baseline with { Normalization = SaliencyNormalization.MaskCount }, ["time"], 0.4 },
        { "convergence target", Baseline with { Convergence = new ConvergenceOptions { TargetCorrelation = 0.9 } }, ["time"], 0.4 },
        { "convergence checks", Baseline with { Convergence = new ConvergenceOptions { CheckEvery = 100 } }, ["time"], 0.4 },
        { "convergence minimum", Baseline with { Convergence = new ConvergenceOptions { MinMasks = 300 } }, ["time"], 0.4 },
        { "mask kinds", Baseline, ["time", "pixel"], 0.4 },
        { "keep probability", Baseline, ["time"], 0.7 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_relax_setting_travels_to_the_worker_exactly_and_changes_the_spec(string what, RelaxOptions relax, string[] kinds, double keep)
    {
        var options = new CorpusOptions { OutputDirectory = "unused", Masks = [.. kinds.Select(k => MaskGenerators.Create(k, keep))], Relax = relax };
        var spec = RunSpecs.Create("run", options, Client, keep);
        var recipe = Assert.IsType<ExplainRecipe>(spec.Recipe);
        var (rebuilt, masks) = RunSpecs.Rebuild(recipe);
        Assert.Equal(relax.MaskCount, rebuilt.MaskCount);
        Assert.Same(relax.Replacement, rebuilt.Replacement);
        Assert.Equal(relax.Normalization, rebuilt.Normalization);
        Assert.Equal(relax.Convergence, rebuilt.Convergence);
        Assert.Equal(kinds.Order(StringComparer.Ordinal), masks.Keys.Order(StringComparer.Ordinal));
        foreach (var kind in kinds)
        {
            using var a = masks[kind].Generate(new MaskBatch(3, 0, 8), 96, 64, TorchSharp.torch.CPU);
            using var b = MaskGenerators.Create(kind, keep).Generate(new MaskBatch(3, 0, 8), 96, 64, TorchSharp.torch.CPU);
            Assert.True(a.eq(b).all().item<bool>(), $"{what}: the worker's {kind} masks differ from the client's");
        }

        var baseline = RunSpecs.Create("run", Corpus(Baseline, "time"), Client, 0.4);
        Assert.NotEqual(RunSpecs.Key(baseline), RunSpecs.Key(spec));
    }

    [Fact]
    public void The_batch_size_and_the_device_are_not_part_of_a_spec()
    {
        // A GPU client with its larger batch and a CPU worker (or the other way round) compute the same maps.
        var cpu = RunSpecs.Create("run", Corpus(Baseline, "time"), Client, 0.4);
        var gpu = RunSpecs.Create("run", Corpus(Baseline with { BatchSize = 512 }, "time"), Client with { Device = "cuda:0" }, 0.4);
        Assert.Empty(RunSpecs.ModelMismatches(gpu, Client));
        var (a, b) = ((ExplainRecipe)cpu.Recipe, (ExplainRecipe)gpu.Recipe);
        Assert.Equal(a.RelaxNames, b.RelaxNames);
        Assert.Equal(a.RelaxValues, b.RelaxValues);
    }
}
