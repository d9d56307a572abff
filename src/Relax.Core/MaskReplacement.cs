using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// What a masked cell is replaced with: the masked input is x·m + r·(1 − m). The study replaces with the
/// spectrogram's mean, which for a log-mel spectrogram is a "neutral" level rather than silence.
/// </summary>
public abstract class MaskReplacement
{
    /// <summary>Replace with the mean of the input (the default).</summary>
    public static MaskReplacement Mean { get; } = new Reduction("mean", x => x.mean());

    /// <summary>Replace with the minimum of the input (for log-mel: the quietest level present).</summary>
    public static MaskReplacement Min { get; } = new Reduction("min", x => x.min());

    /// <summary>Replace with zero.</summary>
    public static MaskReplacement Zero { get; } = new Reduction("zero", x => zeros(1, dtype: x.dtype, device: x.device));

    /// <summary>A short, stable name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>Replace with a constant.</summary>
    /// <param name="value">A finite value.</param>
    public static MaskReplacement Constant(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The replacement constant must be finite.");
        }
        return new Reduction(FormattableString.Invariant($"constant({value})"), x => full(1, value, dtype: x.dtype, device: x.device));
    }

    /// <summary>Replace with what a function of the input returns: a scalar or a tensor broadcastable to (1, 1, H, W).</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="replacement">Computes the replacement from the input (1, 1, H, W).</param>
    public static MaskReplacement Custom(string name, Func<Tensor, Tensor> replacement)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(replacement);
        return new Reduction(name, replacement);
    }

    /// <summary>Computes the replacement for <paramref name="input"/> (shape (1, 1, H, W)).</summary>
    /// <returns>A tensor broadcastable to the input's shape, owned by the caller.</returns>
    public abstract Tensor Compute(Tensor input);

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed class Reduction(string name, Func<Tensor, Tensor> compute) : MaskReplacement
    {
        public override string Name => name;

        public override Tensor Compute(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            var value = compute(input);
            if (value is null)
            {
                throw new InvalidOperationException($"The replacement '{name}' returned no tensor.");
            }
            return value;
        }
    }
}
