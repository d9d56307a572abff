using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Benchmarks;

/// <summary>
/// A stand-in with VGGish's layer shapes and cost (six 3×3 convolutions 1→64→128→256→256→512→512 with four
/// 2×2 poolings, then 12288→4096→4096→128), random weights from a fixed seed. About 1.7 GFLOP per (96 × 64) input.
/// </summary>
public sealed class VggShapedEmbedder : IEmbedder, IDisposable
{
    private readonly Sequential _network;

    public VggShapedEmbedder(long seed = 0)
    {
        manual_seed(seed);
        _network = Sequential(
            Conv2d(1, 64, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(64, 128, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(128, 256, 3, padding: 1), ReLU(), Conv2d(256, 256, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(256, 512, 3, padding: 1), ReLU(), Conv2d(512, 512, 3, padding: 1), ReLU(), MaxPool2d(2),
            Flatten(),
            Linear(512 * 6 * 4, 4096), ReLU(), Linear(4096, 4096), ReLU(), Linear(4096, 128), ReLU());
        _network.eval();
    }

    public Device Device => CPU;

    public Tensor Embed(Tensor inputs) => _network.call(inputs);

    public void Dispose() => _network.Dispose();
}
