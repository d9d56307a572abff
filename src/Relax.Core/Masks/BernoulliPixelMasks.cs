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
    public Tensor Generate(int count, int height, int width, Generator generator, Device device)
    {
        MaskArguments.Request(count, height, width, generator, device);
        using var scope = NewDisposeScope();
        return (rand(new long[] { count, height, width }, generator: generator, device: device) < KeepProbability)
            .to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
