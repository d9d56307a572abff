using BenchmarkDotNet.Attributes;
using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// What RELAX adds to the model's own cost: the same number of masked inputs through the same VGG-sized network,
/// once as bare forward passes on precomputed inputs, once through <see cref="RelaxExplainer"/> (mask generation,
/// replacement, similarity, accumulation and the one unmasked embedding included). Both report time per mask.
/// </summary>
[Config(typeof(SlowForwardConfig))]
public class RelaxOverheadBenchmarks
{
    private const int Batches = 4;

    private VggShapedEmbedder _embedder = null!;
    private Tensor _input = null!;
    private Tensor _batch = null!;
    private RelaxExplainer _explainer = null!;

    [Params(64)]
    public int BatchSize { get; set; }

    [ParamsAllValues]
    public MaskKind Masks { get; set; }

    public enum MaskKind
    {
        RandomGrid,
        TimeFrequency,
    }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = new VggShapedEmbedder();
        _input = randn(96, 64, generator: new Generator(1));
        _batch = randn(BatchSize, 1, 96, 64, generator: new Generator(2));
        IMaskGenerator masks = Masks == MaskKind.RandomGrid ? new RandomGridMasks(8, 0.5) : new TimeFrequencyMasks(8, 4, 0.5);
        _explainer = new RelaxExplainer(_embedder, masks, new RelaxOptions { MaskCount = Batches * BatchSize, BatchSize = BatchSize });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder.Dispose();
        _input.Dispose();
        _batch.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batches * 64, Description = "Bare forward (per mask)")]
    public void BareForward()
    {
        using var noGrad = no_grad();
        for (int b = 0; b < Batches; b++)
        {
            using var embeddings = _embedder.Embed(_batch);
        }
    }

    [Benchmark(OperationsPerInvoke = Batches * 64, Description = "RELAX loop (per mask)")]
    public RelaxResult Relax() => _explainer.Explain(_input);
}
