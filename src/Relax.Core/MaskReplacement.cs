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

    /// <summary>The names <see cref="Parse"/> accepts: <c>mean</c>, <c>min</c> and <c>zero</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mean", "min", "zero"];

    /// <summary>The replacement of that name (one of <see cref="Names"/>, case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the accepted ones.</exception>
    public static MaskReplacement Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "mean" => Mean,
            "min" => Min,
            "zero" => Zero,
            _ => throw new ArgumentException($"Unknown replacement '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

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

    /// <summary>Replace with the values of another input of the same shape (for example another clip of the dataset):
    /// removed cells take that input's value at the same cell, so the replacement carries realistic content instead
    /// of a flat level.</summary>
    /// <param name="other">The donor values (H, W), finite; copied.</param>
    /// <param name="name">A name for reports; default <c>other-input</c>.</param>
    /// <exception cref="ArgumentException">The donor is empty or not finite.</exception>
    public static MaskReplacement FromInput(float[,] other, string name = "other-input")
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (other.Length == 0)
        {
            throw new ArgumentException("The donor input is empty.", nameof(other));
        }
        foreach (float v in other)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("The donor input contains NaN or infinite values.", nameof(other));
            }
        }
        return new Donor(name, (float[,])other.Clone());
    }

    /// <summary>Replace with the values of another input of the same shape, given as a tensor (H, W), (1, H, W) or
    /// (1, 1, H, W); its values are copied, so the caller keeps ownership of <paramref name="other"/>.</summary>
    /// <param name="other">The donor input.</param>
    /// <param name="name">A name for reports; default <c>other-input</c>.</param>
    public static MaskReplacement FromInput(Tensor other, string name = "other-input")
    {
        ArgumentNullException.ThrowIfNull(other);
        var (height, width) = InputShape.Dimensions(other);
        using var flat = other.detach().reshape(height, width);
        return FromInput(TensorArrays.ToArray2D(flat), name);
    }

    /// <summary>Computes the replacement for <paramref name="input"/> (shape (1, 1, H, W)).</summary>
    /// <returns>A tensor broadcastable to the input's shape, owned by the caller.</returns>
    public abstract Tensor Compute(Tensor input);

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed class Donor(string name, float[,] values) : MaskReplacement
    {
        public override string Name => name;

        public override Tensor Compute(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            long height = input.shape[^2], width = input.shape[^1];
            if (height != values.GetLength(0) || width != values.GetLength(1))
            {
                throw new ArgumentException($"The donor input '{name}' is {values.GetLength(0)} × {values.GetLength(1)} but the input is {height} × {width}.", nameof(input));
            }
            using var donor = TensorArrays.FromArray2D(values, input.device);
            return donor.to(input.dtype).reshape(1, 1, height, width);
        }
    }

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
