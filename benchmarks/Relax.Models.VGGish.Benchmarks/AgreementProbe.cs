using System.Diagnostics;
using System.Globalization;
using Relax.Audio;
using Relax.Estimation;
using Relax.IO;
using Relax.Masks;
using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Benchmarks;

/// <summary>
/// Writes what tools/reference/relax_agreement.py needs to compare our RELAX maps with a straightforward PyTorch
/// RELAX on the same network: VGGish with random weights (saved as a PyTorch state dict), one log-mel example of the
/// bundled clip, the N time-frequency masks our explainer drew (seed 1), and our float32 and bfloat16 saliency maps.
/// <c>dotnet run -c Release --project benchmarks/Relax.Models.VGGish.Benchmarks -- agreement OUTDIR [N]</c>
/// </summary>
internal static class AgreementProbe
{
    public static int Run(string[] args)
    {
        string output = args.Length > 0 ? args[0] : "relax-agreement";
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4000;
        Directory.CreateDirectory(output);
        set_num_threads(2);
        manual_seed(1);

        string clip = Path.Combine(Relax.Benchmarks.Shared.RepositoryRoot.Find(), "samples", "data", "synthetic-bird.wav");
        var logMel = new VGGishFrontEnd().FromFile(clip).ExampleMatrix(1);
        NpyFile.Write(Path.Combine(output, "logmel.npy"), logMel);
        string weights = Path.Combine(output, "vggish-random.pth");
        using (var network = new VGGishNetwork())
        {
            StateDictFile.Save(weights, network.state_dict(), StateDictFormat.PyTorch);
        }

        var masks = new float[(long)count * VGGishNetwork.Frames * VGGishNetwork.Bands];
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var network = new VGGishNetwork();
            VGGishStateDict.Apply(network, StateDictFile.Load(weights), weights);
            using var embedder = new VGGishEmbedder(network, null, new VGGishEmbedderOptions { DType = dtype, BatchSize = 64 });
            var explainer = new RelaxExplainer(embedder, new TimeFrequencyMasks(), new RelaxOptions { MaskCount = count, BatchSize = 64, Seed = 1 });
            using var estimator = new RecordingEstimator(new StreamingSaliencyEstimator(VGGishNetwork.Frames, VGGishNetwork.Bands, embedder.Device), masks);
            using var input = TensorArrays.FromArray2D(logMel);
            var clock = Stopwatch.StartNew();
            var result = explainer.Explain(input, estimator);
            Console.WriteLine($"{dtype}: {count} masks in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F1} masks/s)");
            NpyFile.Write(Path.Combine(output, $"saliency-{dtype.ToString().ToLowerInvariant()}.npy"), result.Saliency);
        }
        NpyFile.Write(Path.Combine(output, "masks.npy"), masks, new long[] { count, VGGishNetwork.Frames, VGGishNetwork.Bands });
        Console.WriteLine($"wrote {output}: vggish-random.pth, logmel.npy, masks.npy, saliency-float32.npy, saliency-bfloat16.npy");
        return 0;
    }

    /// <summary>Forwards to an estimator and copies every mask, in order, into one array.</summary>
    private sealed class RecordingEstimator(ISaliencyEstimator inner, float[] masks) : ISaliencyEstimator
    {
        public int Height => inner.Height;

        public int Width => inner.Width;

        public long Count => inner.Count;

        public SaliencyNormalization Normalization => inner.Normalization;

        public void Accumulate(Tensor batch, Tensor scores)
        {
            long offset = inner.Count * Height * Width;
            using var cpu = batch.cpu().contiguous();
            cpu.data<float>().CopyTo(masks, checked((int)offset));
            inner.Accumulate(batch, scores);
        }

        public SaliencyMaps Estimate() => inner.Estimate();

        public double SplitHalfCorrelation() => inner.SplitHalfCorrelation();

        public void Dispose() => inner.Dispose();
    }
}
