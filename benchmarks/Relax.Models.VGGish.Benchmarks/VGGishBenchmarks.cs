using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Models.VGGish.Benchmarks;

/// <summary>
/// VGGish throughput on the CPU, random weights, two threads (like tools/reference/bench_vggish.py): the
/// <see cref="VGGishEmbedder"/> (float32 inputs in, float32 embeddings out, dispose scope, batching), the bare
/// <see cref="VGGishNetwork"/> forward (fused CPU path) and the same layers run one by one as a plain TorchSharp
/// <c>Sequential</c> (what a straightforward port does), both on inputs already in the dtype.
/// </summary>
[MemoryDiagnoser(false)]
public class VGGishBenchmarks : IWork
{
    /// <summary>Floating-point operations of one VGGish forward pass (multiply-adds counted as two).</summary>
    public static readonly double FlopPerExample = ComputeFlop();

    private VGGishEmbedder? _embedder;
    private VGGishNetwork? _network;
    private Sequential? _bare;
    private Sequential? _bareHead;
    private Tensor? _input;
    private Tensor? _bareInput;

    [Params(1, 16, 64)]
    public int Batch { get; set; }

    [Params(ScalarType.Float32, ScalarType.BFloat16)]
    public ScalarType DType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(2);
        manual_seed(1);
        _embedder = new VGGishEmbedder(new VGGishNetwork(), null, new VGGishEmbedderOptions { DType = DType, BatchSize = Math.Max(Batch, 1) });
        _network = new VGGishNetwork();
        _network.to(DType).eval();
        _bare = Sequential(
            Conv2d(1, 64, 3, padding: 1), ReLU(true), MaxPool2d(2, 2),
            Conv2d(64, 128, 3, padding: 1), ReLU(true), MaxPool2d(2, 2),
            Conv2d(128, 256, 3, padding: 1), ReLU(true), Conv2d(256, 256, 3, padding: 1), ReLU(true), MaxPool2d(2, 2),
            Conv2d(256, 512, 3, padding: 1), ReLU(true), Conv2d(512, 512, 3, padding: 1), ReLU(true), MaxPool2d(2, 2));
        _bareHead = Sequential(Linear(12288, 4096), ReLU(true), Linear(4096, 4096), ReLU(true), Linear(4096, 128), ReLU(true));
        _bare.to(DType).eval();
        _bareHead.to(DType).eval();
        _input = randn(Batch, 1, 96, 64);
        _bareInput = _input.to(DType);
        Embedder();
        Network();
        LayerByLayer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder?.Dispose();
        _network?.Dispose();
        _bare?.Dispose();
        _bareHead?.Dispose();
        _input?.Dispose();
        _bareInput?.Dispose();
    }

    /// <summary>VGGishEmbedder.Embed: float32 (B, 1, 96, 64) in, float32 (B, 128) out.</summary>
    [Benchmark(Baseline = true)]
    public void Embedder()
    {
        using var result = _embedder!.Embed(_input!);
    }

    /// <summary><see cref="VGGishNetwork.forward"/> under no_grad, input already in the dtype (the fused CPU path).</summary>
    [Benchmark]
    public void Network()
    {
        using var noGrad = no_grad();
        using var result = _network!.call(_bareInput!);
    }

    /// <summary>The same layers as a plain TorchSharp Sequential under no_grad, run one by one, input already in the dtype.</summary>
    [Benchmark]
    public void LayerByLayer()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _bareHead!.call(_bare!.call(_bareInput!).permute(0, 2, 3, 1).flatten(1));
    }

    public (double Items, double Flop) Work(string method) => (Batch, Batch * FlopPerExample);

    private static double ComputeFlop()
    {
        // (H, W, Cin, Cout) of the six 3×3 convolutions, then the three linear layers.
        (int H, int W, int Cin, int Cout)[] convs = { (96, 64, 1, 64), (48, 32, 64, 128), (24, 16, 128, 256), (24, 16, 256, 256), (12, 8, 256, 512), (12, 8, 512, 512) };
        double flop = convs.Sum(c => 2.0 * c.H * c.W * c.Cin * c.Cout * 9);
        flop += 2.0 * (12288.0 * 4096 + 4096.0 * 4096 + 4096.0 * 128);
        return flop;
    }
}

/// <summary>The machine's matrix-multiply peak, measured in the same run: a 2048³ matmul in float32 and bfloat16.</summary>
public class MatmulPeakBenchmarks : IWork
{
    private const int N = 2048;
    private Tensor? _a;
    private Tensor? _b;

    [Params(ScalarType.Float32, ScalarType.BFloat16)]
    public ScalarType DType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(2);
        _a = randn(N, N).to(DType);
        _b = randn(N, N).to(DType);
        Matmul();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose();
        _b?.Dispose();
    }

    [Benchmark]
    public void Matmul()
    {
        using var c = _a!.matmul(_b!);
    }

    public (double Items, double Flop) Work(string method) => (1, 2.0 * N * N * N);
}
