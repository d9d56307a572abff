using System.Diagnostics;
using System.Globalization;
using Relax.Attribution;
using Relax.Audio;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models;
using Relax.Models.VGGish;
using Relax.Runs;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.DeviceCheck;

/// <summary>
/// Issue 23's device check, the C# half (<c>benchmarks/scripts/gpu.sh</c> runs it on the GPU machine beside
/// <c>tools/reference/relax_gpu.py</c>): first that CUDA gives the CPU's answers — every mask kind bit for bit, the
/// default model's RELAX maps (CPU batch 64 against CUDA batch 512) and every explainer of <c>relax evaluate</c>, each
/// with r ≥ 0.9999 — then RELAX's throughput on VGGish (random weights) for each dtype and batch, with the bare forward
/// passes of the same batches beside it. Throughput lines read <c>RESULT ours DTYPE BATCH MASKS_PER_S FORWARD_PER_S</c>.
/// Without CUDA it runs everything on the CPU at the sizes given: a dry run of the script.
/// <c>dotnet Relax.DeviceCheck.dll [N] [batches, e.g. 256,1024,4096] [dtypes, e.g. float32,bfloat16]</c>
/// </summary>
internal static class GpuProbe
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40960;
        var batches = (args.Length > 1 ? args[1] : "256,1024,4096").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        var dtypes = (args.Length > 2 ? args[2] : "float32,bfloat16").Split(',').Select(VGGishEmbedderOptions.ParseDType).ToArray();
        var device = cuda.is_available() ? CUDA : CPU;
        Console.WriteLine($"device {device}; cuDNN TF32 {(cuda.is_available() ? backends.cudnn.allow_tf32.ToString() : "n/a")}");
        int failures = CheckMasks(device) + CheckRelaxMaps(device) + CheckEvaluation(device);
        foreach (var dtype in dtypes)
        {
            foreach (int batch in batches)
            {
                Throughput(device, dtype, batch, n);
            }
        }
        Console.WriteLine(failures == 0 ? "agreement: all checks passed" : $"agreement: {failures} check(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private static int CheckMasks(Device device)
    {
        int failures = 0;
        foreach (var kind in MaskGenerators.Names)
        {
            using var scope = NewDisposeScope();
            var generator = MaskGenerators.Create(kind, 0.4);
            var batch = new MaskBatch(20261204, 12345, 1000);
            var cpu = generator.Generate(batch, 96, 64, CPU);
            var other = generator.Generate(batch, 96, 64, device).cpu();
            long differing = cpu.ne(other).sum().item<long>();
            Console.WriteLine($"masks {kind,-15} 1000 × 96 × 64 on {device} against the CPU: {(differing == 0 ? "bit-identical" : $"{differing} cells DIFFER")}");
            failures += differing == 0 ? 0 : 1;
        }
        return failures;
    }

    private static int CheckRelaxMaps(Device device)
    {
        int failures = 0;
        using var onCpu = SyntheticAnimalModel.Load();
        using var onDevice = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { Device = device, BatchSize = 512 });
        var clip = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 900)[2].LogMel;
        foreach (var kind in MaskGenerators.Names)
        {
            var a = new RelaxExplainer(onCpu.Embedder, MaskGenerators.Create(kind), new RelaxOptions { MaskCount = 2000, BatchSize = 64, Seed = 3 }).Explain(clip);
            var b = new RelaxExplainer(onDevice.Embedder, MaskGenerators.Create(kind), new RelaxOptions { MaskCount = 2000, BatchSize = 512, Seed = 3 }).Explain(clip);
            double r = RankCorrelation.Pearson(a.Saliency, b.Saliency);
            double worst = a.Saliency.Cast<float>().Zip(b.Saliency.Cast<float>(), (u, v) => Math.Abs(u - v)).Max();
            bool sameMasks = a.MaskWeight.Cast<float>().SequenceEqual(b.MaskWeight.Cast<float>());
            bool ok = r >= 0.9999 && sameMasks;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"relax {kind,-15} default model, N 2000, {device} batch 512 against CPU batch 64: r = {r:F7}, max |Δ| {worst:E2}, masks {(sameMasks ? "identical" : "DIFFER")}{(ok ? "" : "  FAILED")}"));
            failures += ok ? 0 : 1;
        }
        return failures;
    }

    private static int CheckEvaluation(Device device)
    {
        using var onCpu = SyntheticAnimalModel.Load();
        using var onDevice = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { Device = device });
        var example = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 901)[0];
        var item = new EvaluationItem("dog-0", example.LogMel, 0)
        {
            Waveform = new VGGishFrontEnd().FromWaveform(example.Clip.Samples, example.Clip.SampleRate).ExampleWaveform(0),
        };
        var clock = Stopwatch.StartNew();
        var cpu = Evaluate(onCpu, item);
        double cpuSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var other = Evaluate(onDevice, item);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluate one clip, all explainers, curves and audio scores: CPU {cpuSeconds:F1} s, {device} {clock.Elapsed.TotalSeconds:F1} s"));
        int failures = 0;
        for (int e = 0; e < cpu.Clip.Explainers.Count; e++)
        {
            double r = RankCorrelation.Pearson(cpu.Maps[e], other.Maps[e]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluate {cpu.Clip.Explainers[e],-20} map on {device} against the CPU: r = {r:F7}{(r >= 0.9999 ? "" : "  FAILED")}"));
            failures += r >= 0.9999 ? 0 : 1;
        }
        double curves = cpu.Clip.Curves.Zip(other.Clip.Curves, (a, b) => a.Curve.Similarity.Zip(b.Curve.Similarity, (u, v) => Math.Abs(u - v)).Max()).Max();
        double audio = cpu.Clip.Audio!.WithoutEvidence.Zip(other.Clip.Audio!.WithoutEvidence, (u, v) => Math.Abs(u - v)).Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluate flipping curves max |Δ| {curves:E2}, audio scores max |Δ| {audio:E2}{(curves <= 1e-4 && audio <= 1e-4 ? "" : "  FAILED")}"));
        return failures + (curves <= 1e-4 && audio <= 1e-4 ? 0 : 1);
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
        var options = new DatasetEvaluationOptions
        {
            OutputDirectory = Path.Combine(Path.GetTempPath(), "relax-gpu-probe-unused"),
            Flipping = new PixelFlippingOptions { StepFraction = 0.1, BatchSize = 16, Seed = 2 },
            Replacements = [MaskReplacement.Mean],
            Audio = new AudioFaithfulnessOptions { Seed = 2 },
            ClassNames = SyntheticAnimalModel.ClassNames,
        };
        var explainers = AttributionMethods.Names.Select(name => AttributionMethods.Create(name, attribution)).ToList();
        return new DatasetEvaluator(model.Embedder, explainers, options, model.Head).EvaluateClip(new ClipWork(item, null));
    }

    /// <summary>RELAX masks per second at N masks (the explanation as a whole: masks, forward, scores, estimator and
    /// the final maps), and bare forward passes per second over the same number of inputs in the same batches.</summary>
    private static void Throughput(Device device, ScalarType dtype, int batch, int n)
    {
        using var embedder = new VGGishEmbedder(new VGGishNetwork(), null, new VGGishEmbedderOptions { Device = device, DType = dtype, BatchSize = batch });
        var clip = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 950)[0].LogMel;
        var explainer = new RelaxExplainer(embedder, new TimeFrequencyMasks(), new RelaxOptions { MaskCount = n, BatchSize = batch, Seed = 1 });
        new RelaxExplainer(embedder, new TimeFrequencyMasks(), new RelaxOptions { MaskCount = 2 * batch, BatchSize = batch, Seed = 1 }).Explain(clip); // warm-up
        var clock = Stopwatch.StartNew();
        explainer.Explain(clip); // ends with the maps on the host: every queued kernel has run
        double relaxRate = n / clock.Elapsed.TotalSeconds;

        using var inputs = randn(new long[] { batch, 1, 96, 64 }, device: device);
        using (no_grad())
        {
            embedder.Embed(inputs).Dispose();
            Synchronize(device);
            clock.Restart();
            for (int done = 0; done < n; done += batch)
            {
                embedder.Embed(inputs).Dispose();
            }
            Synchronize(device);
        }
        double forwardRate = (n + batch - 1) / batch * batch / clock.Elapsed.TotalSeconds;
        string name = dtype == ScalarType.BFloat16 ? "bfloat16" : "float32";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT ours {name} {batch} {relaxRate:F0} {forwardRate:F0}"));
    }

    private static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA)
        {
            cuda.synchronize(device);
        }
    }
}
