using System.Diagnostics;
using System.Globalization;
using Relax.Audio;
using Relax.Benchmarks.Shared;
using Relax.Masks;
using Relax.Models;
using Relax.Models.Onnx;
using Relax.Models.TorchScript;
using Relax.Models.VGGish;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// <c>-- exported [masks] [rounds]</c>: the shipped default model three ways — native TorchSharp (<c>VGGishNetwork</c>
/// with its fused CPU forward), exported as ONNX and run by ONNX Runtime, exported as TorchScript — explained by RELAX
/// with the same masks (time-frequency, seed 1) at batch 64 and 256, in alternating rounds, on this machine's threads.
/// Reports masks/s per runtime and batch, and the ratios to native measured in the same rounds.
/// </summary>
internal static class ExportedModelProbe
{
    public static int Run(string[] args)
    {
        int masks = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var root = RepositoryRoot.Find();
        var example = new VGGishFrontEnd().FromFile(Path.Combine(root, "samples", "data", "synthetic-bird.wav")).ExampleMatrix(0);
        var models = Path.Combine(root, "tools", "reference", "models");
        Console.WriteLine($"RELAX on the default model, {masks} time-frequency masks per run, {get_num_threads()} threads, {rounds} rounds (best of each)");
        foreach (int batch in new[] { 64, 256 })
        {
            var request = new ModelRequest { BatchSize = batch };
            using var native = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { BatchSize = batch });
            using var onnx = new OnnxModelProvider().Load(request with { Weights = Path.Combine(models, "default-model.onnx") });
            using var torchscript = new TorchScriptModelProvider().Load(request with { Weights = Path.Combine(models, "default-model.pt") });
            var runtimes = new (string Name, AudioModel Model)[] { ("TorchSharp (native)", native), ("ONNX Runtime", onnx), ("TorchScript", torchscript) };
            var best = new double[runtimes.Length];
            Array.Fill(best, double.MaxValue);
            for (int round = 0; round < rounds + 1; round++) // round 0 warms up
            {
                for (int r = 0; r < runtimes.Length; r++)
                {
                    var explainer = new RelaxExplainer(runtimes[r].Model.Embedder, new TimeFrequencyMasks(8, 4), new RelaxOptions { MaskCount = masks, BatchSize = batch, Seed = 1 });
                    var clock = Stopwatch.StartNew();
                    explainer.Explain(example);
                    if (round > 0)
                    {
                        best[r] = Math.Min(best[r], clock.Elapsed.TotalSeconds);
                    }
                }
            }
            for (int r = 0; r < runtimes.Length; r++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {batch,3}  {runtimes[r].Name,-20} {masks / best[r],8:F0} masks/s   {best[0] / best[r]:F2}× native"));
            }
        }
        return 0;
    }
}
