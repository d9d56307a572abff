using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>Unstructured binary masks: every cell is kept independently with probability p.</summary>
public sealed class BernoulliPixelMasks : IMaskGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="keepProbability">Probability that a cell is kept, strictly between 0 and 1.</param>
    public BernoulliPixelMasks(double keepProbability = 0.5)
    {
        KeepProbability = MaskArguments.Probability(keepProbability, nameof(keepProbability));
    }

    /// <summary>Probability that a cell is kept.</summary>
    public double KeepProbability { get; }

    /// <inheritdoc />
    public string Name => "pixel";

    /// <inheritdoc />
    public Tensor Generate(MaskBatch batch, int height, int width, Device device)
    {
        MaskArguments.Request(height, width, device);
        int cells = checked(height * width);
        var keep = new byte[checked(batch.Count * cells)];
        // Every cell is its own draw: for large batches the masks are drawn in parallel (each depends on its index only).
        if ((long)batch.Count * cells >= 1 << 18)
        {
            Parallel.For(0, batch.Count, m => batch.Bernoulli(m, MaskStreams.Pixel, KeepProbability, keep.AsSpan(m * cells, cells)));
        }
        else
        {
            for (int m = 0; m < batch.Count; m++)
            {
                batch.Bernoulli(m, MaskStreams.Pixel, KeepProbability, keep.AsSpan(m * cells, cells));
            }
        }
        using var scope = NewDisposeScope();
        return HostUpload.ToDevice(keep, [batch.Count, height, width], device).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
