using System.Diagnostics;
using System.Globalization;
using Relax.Benchmarks.Shared;
using Relax.Models;
using Relax.Models.Onnx;
using Relax.Models.TorchScript;
using Relax.Waveform;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// <c>-- waveform [batches] [rounds]</c>: what explaining a waveform model costs per mask beyond its forward pass. For
/// the reference waveform models (tools/reference/models: <c>wave-planted</c>, 3 s, a 255-tap band-pass filter;
/// <c>wave-encoder</c>, 1 s, two strided convolutions), as TorchScript and as ONNX, times in alternating rounds (best
/// of each) a batch of 64 masked copies through <see cref="StftCellEmbedder"/> (gains on the STFT cells, inverse STFT,
/// forward) against the bare forward pass of 64 waveforms of the same length, and reports the ratio.
/// </summary>
internal static class WaveformCostProbe
{
    public static int Run(string[] args)
    {
        int batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var models = Path.Combine(RepositoryRoot.Find(), "tools", "reference", "models");
        const int batch = 64;
        Console.WriteLine($"Waveform RELAX cost per mask: {batches} batches of {batch} per timing, {get_num_threads()} threads, best of {rounds} rounds");
        foreach (var name in new[] { "wave-planted", "wave-encoder" })
        {
            foreach (var (format, provider) in new (string, IModelProvider)[] { (".pt", new TorchScriptModelProvider()), (".onnx", new OnnxModelProvider()) })
            {
                using var model = provider.Load(new ModelRequest { Weights = Path.Combine(models, name + format), BatchSize = batch });
                int samples = ((WaveformInput)model.Input!).SamplesPerExample;
                var random = new Random(1);
                var recording = Enumerable.Range(0, samples).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                using var cells = new StftCellEmbedder(model.Embedder, new StftCells(16_000), recording);
                using var gains = rand(batch, 1, cells.Frames, cells.Bins).round();
                using var waves = rand(batch, 1, 1, samples) - 0.5;
                using var _ = no_grad();
                double forward = double.MaxValue, masked = double.MaxValue;
                for (int round = 0; round <= rounds; round++) // round 0 warms up
                {
                    var clock = Stopwatch.StartNew();
                    for (int b = 0; b < batches; b++)
                    {
                        model.Embedder.Embed(waves).Dispose();
                    }
                    double f = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    for (int b = 0; b < batches; b++)
                    {
                        cells.Embed(gains).Dispose();
                    }
                    double m = clock.Elapsed.TotalSeconds;
                    if (round > 0)
                    {
                        (forward, masked) = (Math.Min(forward, f), Math.Min(masked, m));
                    }
                }
                double perMask = 1000 / (batches * (double)batch);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name + format,-20} forward {forward * perMask,7:F3} ms/mask   masked copy (iSTFT + forward) {masked * perMask,7:F3} ms/mask   ratio {masked / forward:F2}"));
            }
        }
        return 0;
    }
}
