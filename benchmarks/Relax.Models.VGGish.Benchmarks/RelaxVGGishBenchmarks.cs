using BenchmarkDotNet.Attributes;
using Relax.Hosting;
using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Benchmarks;

/// <summary>
/// RELAX on VGGish (random weights, two threads) against the bare forward passes it needs: the same
/// <see cref="VGGishEmbedder"/> (same dtype, same batch) embedding precomputed batches, once without RELAX and once
/// inside <see cref="RelaxExplainer"/> (time-frequency masks generated per batch, one multiply-add replacement,
/// similarity, accumulation, the unmasked embedding). Items/s is masks (or embeddings) per second; compare
/// RelaxLoop with BareForward of the same dtype for the overhead, and BFloat16 with Float32 for the dtype speed-up.
/// </summary>
public class RelaxVGGishBenchmarks : IWork
{
    private const int Batches = 3;

    private VGGishEmbedder? _embedder;
    private Tensor? _input;
    private Tensor? _batch;
    private RelaxExplainer? _explainer;

    [Params(64)]
    public int Batch { get; set; }

    [Params(ScalarType.Float32, ScalarType.BFloat16)]
    public ScalarType DType { get; set; }

    /// <summary>Whether the host trims the native heap after each explanation (<see cref="NativeHeap.TrimIfDue"/>, as the
    /// <c>relax</c> command does); BareForward ignores it.</summary>
    [Params(true, false)]
    public bool Trim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(2);
        manual_seed(1);
        _embedder = new VGGishEmbedder(new VGGishNetwork(), null, new VGGishEmbedderOptions { DType = DType, BatchSize = Batch });
        _input = randn(96, 64, generator: new Generator(1));
        _batch = randn(Batch, 1, 96, 64, generator: new Generator(2));
        _explainer = new RelaxExplainer(_embedder, new TimeFrequencyMasks(), new RelaxOptions { MaskCount = Batches * Batch, BatchSize = Batch, Seed = 3 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder?.Dispose();
        _input?.Dispose();
        _batch?.Dispose();
    }

    /// <summary><c>Batches</c> bare embedder calls on one precomputed float32 batch.</summary>
    [Benchmark(Baseline = true)]
    public void BareForward()
    {
        using var noGrad = no_grad();
        for (int b = 0; b < Batches; b++)
        {
            using var embeddings = _embedder!.Embed(_batch!);
        }
    }

    /// <summary>One RELAX explanation with <c>Batches × Batch</c> masks (plus the one unmasked embedding).</summary>
    [Benchmark]
    public RelaxResult RelaxLoop()
    {
        var result = _explainer!.Explain(_input!);
        if (Trim)
        {
            NativeHeap.TrimIfDue();
        }
        return result;
    }

    public (double Items, double Flop) Work(string method) => (Batches * Batch, Batches * Batch * VGGishBenchmarks.FlopPerExample);
}
