using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

/// <summary>The deterministic weights and inputs of tools/reference/vggish_reference.py (keep the two in sync).</summary>
internal static class FormulaWeights
{
    /// <summary>torchvggish's state-dict keys, in its order; tensor k gets formula index k.</summary>
    public static readonly string[] TorchVGGishKeys =
    {
        "features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
        "features.6.weight", "features.6.bias", "features.8.weight", "features.8.bias",
        "features.11.weight", "features.11.bias", "features.13.weight", "features.13.bias",
        "embeddings.0.weight", "embeddings.0.bias", "embeddings.2.weight", "embeddings.2.bias",
        "embeddings.4.weight", "embeddings.4.bias",
    };

    /// <summary>w.flat[i] = frac(sin(12.9898 i + 78.233 k) · 43758.5453) · scale in float64, stored as float32.</summary>
    public static Tensor Formula(long[] shape, double k, double scale)
    {
        using var scope = NewDisposeScope();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var i = arange(n, dtype: ScalarType.Float64);
        var w = (i * 12.9898 + k * 78.233).sin().mul(43758.5453).frac().mul(scale);
        return w.to(ScalarType.Float32).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The formula state dict for a network's keys (weights scaled by sqrt(3 / fan_in), biases by 0.1).</summary>
    public static Dictionary<string, Tensor> StateDict(nn.Module network)
    {
        var shapes = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var result = new Dictionary<string, Tensor>();
        for (int k = 0; k < TorchVGGishKeys.Length; k++)
        {
            var name = TorchVGGishKeys[k];
            var shape = shapes[name];
            double scale = name.EndsWith("weight", StringComparison.Ordinal)
                ? Math.Sqrt(3.0 / shape.Skip(1).Aggregate(1L, (a, b) => a * b))
                : 0.1;
            result[name] = Formula(shape, k, scale);
        }
        return result;
    }

    /// <summary>The formula state dict of VGGish, computed once per test process (about 1 s) and kept out of
    /// every dispose scope.</summary>
    private static readonly Lazy<Dictionary<string, Tensor>> Cached = new(() =>
    {
        using var shapes = new VGGishNetwork();
        var sd = StateDict(shapes);
        foreach (var t in sd.Values)
        {
            t.DetachFromDisposeScope();
        }
        return sd;
    });

    /// <summary>A network filled with the formula weights, in eval mode.</summary>
    public static VGGishNetwork Network(bool finalRelu = true)
    {
        var network = new VGGishNetwork(finalRelu);
        VGGishStateDict.Apply(network, Cached.Value, "formula");
        network.eval();
        return network;
    }

    /// <summary>x[b, 0, t, f] = 3 sin(0.013 (64 t + f)(b + 1)) + 0.5 cos(0.2 t + b).</summary>
    public static Tensor Inputs(int batch)
    {
        using var scope = NewDisposeScope();
        var b = arange(batch, dtype: ScalarType.Float64).reshape(-1, 1, 1);
        var t = arange(96, dtype: ScalarType.Float64).reshape(1, -1, 1);
        var f = arange(64, dtype: ScalarType.Float64).reshape(1, 1, -1);
        var x = 3 * (0.013 * (64 * t + f) * (b + 1)).sin() + 0.5 * (0.2 * t + b).cos();
        return x.to(ScalarType.Float32).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>The formula PCA parameters: eigenvectors (128, 128) and means (128).</summary>
    public static (Tensor EigenVectors, Tensor Means) Pca() =>
        (Formula(new long[] { 128, 128 }, 0.5, 1.0 / Math.Sqrt(128)), Formula(new long[] { 128 }, 1.5, 0.5));
}

/// <summary>Paths of the committed fixtures and small helpers.</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static Tensor Npy(string name)
    {
        var (data, shape) = Relax.IO.NpyFile.Read(Path(name));
        return tensor(data, shape);
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var diff = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max();
        return diff.item<double>();
    }

    public static string TempDirectory()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "relax-vggish-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>One formula network per test class (building it takes about a second).</summary>
public sealed class FormulaNetworkFixture : IDisposable
{
    internal VGGishNetwork Network { get; } = FormulaWeights.Network();

    public void Dispose() => Network.Dispose();
}
