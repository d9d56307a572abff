using BenchmarkDotNet.Attributes;
using Relax.Evaluation;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// What a pixel-flipping curve costs against the model's own forward passes: a curve of K points (step 0.05, so
/// K = 21) evaluated in batches of B costs ⌈K / B⌉ forward batches plus one for the unmasked input. The baseline runs
/// exactly those batches (sizes B, …, K mod B, and 1) through the same VGG-sized network on precomputed inputs; the
/// flipping run adds ranking, mask building, replacement and scoring. Both report time per curve point, so the ratio
/// is the overhead per step (1.0 = free) and 1 / mean is steps per second.
/// Run: dotnet run -c Release --project benchmarks/Relax.Benchmarks -- --filter '*PixelFlipping*'
/// </summary>
[Config(typeof(SlowForwardConfig))]
public class PixelFlippingBenchmarks
{
    private const double Step = 0.05;
    private const int Points = 21;   // 0, 0.05, …, 1

    private VggShapedEmbedder _embedder = null!;
    private Tensor _input = null!;
    private float[,] _attribution = null!;
    private Tensor[] _batches = null!;
    private PixelFlipping _flipping = null!;

    /// <summary>Curve points per forward pass.</summary>
    [Params(8, 32)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = new VggShapedEmbedder();
        _input = randn(96, 64, generator: new Generator(1));
        using var map = rand(96, 64, generator: new Generator(2));
        _attribution = TensorArrays.ToArray2D(map);
        var sizes = Enumerable.Range(0, (Points + BatchSize - 1) / BatchSize).Select(b => Math.Min(BatchSize, Points - b * BatchSize)).Append(1);
        _batches = sizes.Select(n => randn(n, 1, 96, 64, generator: new Generator(3))).ToArray();
        _flipping = new PixelFlipping(_embedder, new PixelFlippingOptions { StepFraction = Step, BatchSize = BatchSize, Seed = 1 });
        if (_flipping.Fractions().Length != Points)
        {
            throw new InvalidOperationException($"Expected {Points} points.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder.Dispose();
        _input.Dispose();
        foreach (var batch in _batches)
        {
            batch.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points, Description = "Bare forward of the same batches (per point)")]
    public void BareForward()
    {
        using var noGrad = no_grad();
        foreach (var batch in _batches)
        {
            using var embeddings = _embedder.Embed(batch);
        }
    }

    [Benchmark(OperationsPerInvoke = Points, Description = "PixelFlipping.Evaluate, MoRF (per point)")]
    public FlipCurve Flipping() => _flipping.Evaluate(_input, _attribution, FlipOrder.MostRelevantFirst);
}
