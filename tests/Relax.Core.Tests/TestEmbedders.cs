using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>An embedder that reads only the cells of a rectangle: only they can change the representation.</summary>
internal sealed class RectangleEmbedder(int top, int left, int height, int width) : IEmbedder
{
    public Device Device => CPU;

    public int Top { get; } = top;
    public int Left { get; } = left;
    public int Height { get; } = height;
    public int Width { get; } = width;

    public bool Contains(int row, int column) =>
        row >= Top && row < Top + Height && column >= Left && column < Left + Width;

    public Tensor Embed(Tensor inputs)
    {
        long batch = inputs.shape[0];
        return inputs[.., 0, Top..(Top + Height), Left..(Left + Width)].reshape(batch, -1);
    }
}

/// <summary>An embedder that ignores its input.</summary>
internal sealed class ConstantEmbedder : IEmbedder
{
    public Device Device => CPU;

    public int Calls { get; private set; }

    public Tensor Embed(Tensor inputs)
    {
        Calls++;
        return ones(inputs.shape[0], 8);
    }
}

/// <summary>An embedder that returns a malformed batch.</summary>
internal sealed class WrongShapeEmbedder : IEmbedder
{
    public Device Device => CPU;

    public Tensor Embed(Tensor inputs) => ones(inputs.shape[0] + 1, 4);
}

/// <summary>Collects progress synchronously (unlike <see cref="Progress{T}"/>, which posts).</summary>
internal sealed class ListProgress(Action<RelaxProgress>? onReport = null) : IProgress<RelaxProgress>
{
    public List<RelaxProgress> Reports { get; } = new();

    public void Report(RelaxProgress value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}

internal static class TestInputs
{
    /// <summary>A reproducible input with values of mean about 1 and unit spread.</summary>
    public static float[,] Noise(int height, int width, int seed)
    {
        var random = new Random(seed);
        var x = new float[height, width];
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                x[i, j] = (float)(1 + 2 * (random.NextDouble() - 0.5) * Math.Sqrt(3));
            }
        }
        return x;
    }

    public static double Mean(float[,] map, Func<int, int, bool> where)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < map.GetLength(0); i++)
        {
            for (int j = 0; j < map.GetLength(1); j++)
            {
                if (where(i, j))
                {
                    sum += map[i, j];
                    n++;
                }
            }
        }
        return sum / n;
    }

    public static double Max(float[,] map, Func<int, int, bool> where) => Extreme(map, where, Math.Max, double.NegativeInfinity);

    public static double Min(float[,] map, Func<int, int, bool> where) => Extreme(map, where, Math.Min, double.PositiveInfinity);

    public static double Correlation(float[,] a, float[,] b)
    {
        double ma = Mean(a, (_, _) => true), mb = Mean(b, (_, _) => true);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int j = 0; j < a.GetLength(1); j++)
            {
                double da = a[i, j] - ma, db = b[i, j] - mb;
                sab += da * db;
                saa += da * da;
                sbb += db * db;
            }
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    private static double Extreme(float[,] map, Func<int, int, bool> where, Func<double, double, double> pick, double start)
    {
        double value = start;
        for (int i = 0; i < map.GetLength(0); i++)
        {
            for (int j = 0; j < map.GetLength(1); j++)
            {
                if (where(i, j))
                {
                    value = pick(value, map[i, j]);
                }
            }
        }
        return value;
    }
}

/// <summary>A smooth, nonlinear, differentiable embedder that reads only a rectangle: tanh(W·x_rect + b).</summary>
internal sealed class TanhRectangleEmbedder : IEmbedder
{
    private readonly Tensor _weights;
    private readonly Tensor _bias;

    public TanhRectangleEmbedder(int top, int left, int height, int width, int dimensions = 16, int seed = 1)
    {
        Rectangle = new RectangleEmbedder(top, left, height, width);
        var generator = new Generator((ulong)seed);
        _weights = randn(new long[] { dimensions, height * width }, generator: generator) / Math.Sqrt(height * width);
        _bias = randn(new long[] { dimensions }, generator: generator) * 0.1;
    }

    public RectangleEmbedder Rectangle { get; }

    public Device Device => CPU;

    public int Calls { get; private set; }

    public Tensor Embed(Tensor inputs)
    {
        Calls++;
        using var scope = NewDisposeScope();
        var rect = Rectangle.Embed(inputs);
        return tanh(rect.matmul(_weights.t()) + _bias).MoveToOuterDisposeScope();
    }
}

/// <summary>A toy waveform model, (B, 1, 1, S) → (B, 3): a constant, the power of the first half's sample-to-sample
/// differences (its high frequencies) and the power of the second half. Masking either half's content moves it.</summary>
internal sealed class HalvesWaveformEmbedder : IEmbedder
{
    public Device Device => CPU;

    public Tensor Embed(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var x = inputs.flatten(1);
        long samples = x.shape[1], half = samples / 2;
        var differences = x.narrow(1, 1, samples - 1) - x.narrow(1, 0, samples - 1);
        var first = differences.narrow(1, 0, half - 1).square().mean([1]) * 100;
        var second = x.narrow(1, half, samples - half).square().mean([1]) * 100;
        return stack([ones_like(first), first, second], 1).MoveToOuterDisposeScope();
    }
}
