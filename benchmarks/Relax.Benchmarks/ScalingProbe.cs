using System.Diagnostics;
using System.Globalization;
using Relax.Masks;
using Relax.Models.VGGish;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// Issue 7's scaling table: seconds per explained clip against the number of masks N, the batch size and the number of
/// threads (1, 2), for the default model and for VGGish (random weights, float32 and bfloat16). One warm-up explanation
/// per setting, then the median of <c>repeats</c> timed ones.
/// <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- scaling [default|vggish] [repeats]</c>
/// </summary>
internal static class ScalingProbe
{
    public static int Run(string[] args)
    {
        string which = args.Length > 0 ? args[0] : "default";
        int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var clip = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 950)[0].LogMel;
        var masks = new TimeFrequencyMasks();
        Console.WriteLine("| model | dtype | threads | batch | N | s per clip | masks/s |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        var settings = which == "vggish"
            ? from dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 } from threads in new[] { 1, 2 } from batch in new[] { 16, 64 } from n in new[] { 256 } select (dtype, threads, batch, n)
            : from dtype in new[] { ScalarType.Float32 } from threads in new[] { 1, 2 } from batch in new[] { 16, 64, 256 } from n in new[] { 1000, 4000 } select (dtype, threads, batch, n);
        foreach (var (dtype, threads, batch, n) in settings)
        {
            set_num_threads(threads);
            var options = new VGGishEmbedderOptions { DType = dtype, BatchSize = batch };
            using var loaded = which == "vggish" ? new VGGishEmbedder(new VGGishNetwork(), null, options).AsModel("VGGish, random weights") : SyntheticAnimalModel.Load(options);
            var embedder = loaded.Embedder;
            var explainer = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = n, BatchSize = batch, Seed = 1 });
            explainer.Explain(clip);
            var seconds = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                explainer.Explain(clip);
                seconds.Add(watch.Elapsed.TotalSeconds);
            }
            double median = seconds.Order().ElementAt(repeats / 2);
            string model = which == "vggish" ? "VGGish (random)" : "default (compact)";
            string dtypeName = dtype == ScalarType.BFloat16 ? "bfloat16" : "float32";
            Console.WriteLine($"| {model} | {dtypeName} | {threads} | {batch} | {n} | {median:F2} | {n / median:F0} |");
        }
        return 0;
    }
}
