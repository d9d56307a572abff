using Relax.Attribution;
using Relax.Audio;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models;
using Relax.Models.VGGish;
using Relax.Runs;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Synthetic.Tests;

/// <summary>On a GPU the explainers give the CPU's answers: masks bit for bit, maps and curves to float rounding (cuDNN
/// convolutions use TF32 by default, so float32 maps agree to about 1e-6 relative, not to the bit). Skipped without
/// CUDA (no GPU, or an application built with TorchSharp-cpu), as on CI; run on a GPU machine by
/// <c>benchmarks/scripts/gpu.sh</c>.</summary>
public class CudaAgreementTests(ITestOutputHelper output)
{
    private static void SkipWithoutCuda() =>
        Skip.IfNot(cuda.is_available(), "No CUDA device (or no TorchSharp-cuda package): the GPU agreement tests are skipped.");

    [SkippableTheory]
    [InlineData("random-grid")]
    [InlineData("pixel")]
    [InlineData("time")]
    [InlineData("frequency")]
    [InlineData("time-frequency")]
    public void Masks_drawn_on_cuda_are_the_cpus_bit_for_bit(string kind)
    {
        SkipWithoutCuda();
        var generator = MaskGenerators.Create(kind, 0.4);
        var batch = new MaskBatch(20261204, 1000, 300);
        using var cpu = generator.Generate(batch, 96, 64, CPU);
        using var gpu = generator.Generate(batch, 96, 64, CUDA);
        Assert.Equal(TorchSharp.DeviceType.CUDA, gpu.device_type);
        using var back = gpu.cpu();
        Assert.True(cpu.eq(back).all().item<bool>(), $"{kind}: masks drawn on CUDA differ from the CPU's");
    }

    [SkippableFact]
    public void Relax_maps_on_cuda_equal_the_cpus_for_any_batch_size()
    {
        SkipWithoutCuda();
        using var onCpu = SyntheticAnimalModel.Load();
        using var onGpu = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { Device = CUDA, BatchSize = 512 });
        var clip = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 900)[2];
        foreach (var kind in MaskGenerators.Names)
        {
            var cpu = new RelaxExplainer(onCpu.Embedder, MaskGenerators.Create(kind), new RelaxOptions { MaskCount = 1024, BatchSize = 64, Seed = 3 }).Explain(clip.LogMel);
            var gpu = new RelaxExplainer(onGpu.Embedder, MaskGenerators.Create(kind), new RelaxOptions { MaskCount = 1024, BatchSize = 512, Seed = 3 }).Explain(clip.LogMel);
            double r = RankCorrelation.Pearson(cpu.Saliency, gpu.Saliency);
            output.WriteLine($"{kind}: r(cuda, cpu) = {r:F7}");
            Assert.Equal(cpu.MaskWeight, gpu.MaskWeight); // the same masks
            Assert.True(r >= 0.9999, $"{kind}: r(cuda batch 512, cpu batch 64) = {r:F6}");
        }
    }

    [SkippableFact]
    public void Every_explainer_curve_and_audio_score_of_an_evaluation_on_cuda_equals_the_cpus()
    {
        SkipWithoutCuda();
        using var onCpu = SyntheticAnimalModel.Load();
        using var onGpu = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { Device = CUDA });
        var example = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 901)[0];
        var item = new EvaluationItem("dog-0", example.LogMel, 0)
        {
            Waveform = new VGGishFrontEnd().FromWaveform(example.Clip.Samples, example.Clip.SampleRate).ExampleWaveform(0),
        };
        var (cpu, gpu) = (Evaluate(onCpu, item), Evaluate(onGpu, item));
        for (int e = 0; e < cpu.Clip.Explainers.Count; e++)
        {
            string name = cpu.Clip.Explainers[e];
            double r = RankCorrelation.Pearson(cpu.Maps[e], gpu.Maps[e]);
            output.WriteLine($"{name}: r(cuda, cpu) = {r:F7}");
            Assert.True(r >= 0.9999, $"{name}: r(cuda, cpu) = {r:F6}");
        }
        foreach (var (a, b) in cpu.Clip.Curves.Zip(gpu.Clip.Curves))
        {
            double worst = a.Curve.Similarity.Zip(b.Curve.Similarity, (u, v) => Math.Abs(u - v)).Max();
            Assert.True(worst <= 1e-4, $"{a.Explainer ?? "random"} {a.Curve.Order}: similarity curves differ by {worst:E2}");
        }
        var (audioCpu, audioGpu) = (cpu.Clip.Audio!, gpu.Clip.Audio!);
        Assert.Equal(audioCpu.WithoutRandom, audioGpu.WithoutRandom, 4);
        foreach (var (u, v) in audioCpu.WithoutEvidence.Zip(audioGpu.WithoutEvidence))
        {
            Assert.Equal(u, v, 4);
        }
    }

    private static EvaluatedClip Evaluate(AudioModel model, EvaluationItem item)
    {
        var attribution = new AttributionSettings(model.Embedder)
        {
            Head = model.Head,
            Relax = new RelaxOptions { MaskCount = 512, BatchSize = 64, Seed = 4 },
            Lrp = LrpNetwork.For(model)!,
            IntegratedGradientsSteps = 16,
        };
        var explainers = AttributionMethods.Names.Select(name => AttributionMethods.Create(name, attribution)).ToList();
        var options = new DatasetEvaluationOptions
        {
            OutputDirectory = Path.Combine(Path.GetTempPath(), "relax-cuda-agreement-unused"),
            Flipping = new PixelFlippingOptions { StepFraction = 0.1, BatchSize = 16, Seed = 2 },
            Replacements = [MaskReplacement.Mean],
            Audio = new AudioFaithfulnessOptions { Seed = 2 },
            ClassNames = SyntheticAnimalModel.ClassNames,
        };
        return new DatasetEvaluator(model.Embedder, explainers, options, model.Head).EvaluateClip(new ClipWork(item, null));
    }
}
