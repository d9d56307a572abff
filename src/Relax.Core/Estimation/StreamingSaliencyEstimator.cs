using static TorchSharp.torch;

namespace Relax.Estimation;

/// <summary>
/// The RELAX estimator in one pass, on the device of the masks: for every cell it keeps the sums
/// Σ Mᵢⱼ, Σ (sₙ − c) Mᵢⱼ and Σ (sₙ − c)² Mᵢⱼ in float64, separately for even- and odd-numbered masks
/// (for the split-half check), where c is the first mask's score (kept on the device: no batch waits for the host). Shifting by c keeps the
/// second moment free of cancellation when similarities sit close to 1 with a small spread.
/// One batch costs one (6 × B) · (B × H·W) matrix product; memory is O(H·W), whatever the number of masks.
/// </summary>
public sealed class StreamingSaliencyEstimator : ISaliencyEstimator
{
    private readonly Tensor _sums; // (6, H·W): [weight, Σ s'M, Σ s'²M] for even masks, then for odd masks
    private Tensor? _shift; // c, a float64 scalar on the device
    private bool _disposed;

    /// <summary>Creates an empty estimator.</summary>
    /// <param name="height">Rows of the maps, at least 1.</param>
    /// <param name="width">Columns of the maps, at least 1.</param>
    /// <param name="device">Where the sums live; masks and scores must be on this device.</param>
    /// <param name="normalization">How sums become maps; see <see cref="SaliencyNormalization"/>.</param>
    public StreamingSaliencyEstimator(int height, int width, Device device, SaliencyNormalization normalization = SaliencyNormalization.MaskWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentNullException.ThrowIfNull(device);
        if (!Enum.IsDefined(normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown saliency normalization.");
        }

        Height = height;
        Width = width;
        Device = device;
        Normalization = normalization;
        _sums = zeros(6, (long)height * width, dtype: ScalarType.Float64, device: device);
    }

    /// <inheritdoc />
    public int Height { get; }

    /// <inheritdoc />
    public int Width { get; }

    /// <summary>The device the sums live on.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public SaliencyNormalization Normalization { get; }

    /// <inheritdoc />
    public long Count { get; private set; }

    private long EvenCount => (Count + 1) / 2;

    private long OddCount => Count / 2;

    /// <inheritdoc />
    public void Accumulate(Tensor masks, Tensor scores)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(scores);
        if (masks.dim() != 3 || masks.shape[1] != Height || masks.shape[2] != Width)
        {
            throw new ArgumentException($"Masks must have shape (B, {Height}, {Width}); got ({string.Join(", ", masks.shape)}).", nameof(masks));
        }
        long batch = masks.shape[0];
        if (scores.dim() != 1 || scores.shape[0] != batch)
        {
            throw new ArgumentException($"Scores must have shape ({batch}) to match the masks; got ({string.Join(", ", scores.shape)}).", nameof(scores));
        }
        if (batch == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        var s = scores.to(ScalarType.Float64, Device);
        _shift ??= s[0].detach().clone().DetachFromDisposeScope();
        var centred = s - _shift;
        var odd = (arange(Count, Count + batch, dtype: ScalarType.Int64, device: Device) % 2).to(ScalarType.Float64);
        var even = 1.0 - odd;
        var squared = centred * centred;
        var coefficients = stack(new[] { even, even * centred, even * squared, odd, odd * centred, odd * squared });
        var flat = masks.reshape(batch, (long)Height * Width).to(ScalarType.Float64, Device);
        _sums.add_(coefficients.matmul(flat));
        Count += batch;
    }

    /// <inheritdoc />
    public SaliencyMaps Estimate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var weight = _sums[0] + _sums[3];
        var first = _sums[1] + _sums[4];
        var second = _sums[2] + _sums[5];
        var (r, u) = Maps(weight, first, second, Count);
        var shape = new long[] { Height, Width };
        return new SaliencyMaps(
            r.reshape(shape).MoveToOuterDisposeScope(),
            u.reshape(shape).MoveToOuterDisposeScope(),
            weight.reshape(shape).MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public double SplitHalfCorrelation()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (OddCount < 1)
        {
            return double.NaN;
        }

        using var scope = NewDisposeScope();
        var (even, _) = Maps(_sums[0], _sums[1], _sums[2], EvenCount);
        var (odd, _) = Maps(_sums[3], _sums[4], _sums[5], OddCount);
        var a = even - even.mean();
        var b = odd - odd.mean();
        double sa = a.square().sum().item<double>();
        double sb = b.square().sum().item<double>();
        if (sa == 0 || sb == 0)
        {
            // A constant half-map: the map is exactly determined only if both halves agree on the constant.
            return sa == 0 && sb == 0 && (even - odd).abs().max().item<double>() == 0 ? 1.0 : double.NaN;
        }
        return (a * b).sum().item<double>() / Math.Sqrt(sa * sb);
    }

    /// <summary>Saliency and uncertainty from the shifted sums of one or both halves.</summary>
    private (Tensor Saliency, Tensor Uncertainty) Maps(Tensor weight, Tensor first, Tensor second, long count)
    {
        using var zero = _shift is null ? zeros(1, dtype: ScalarType.Float64, device: Device) : null;
        var c = _shift ?? zero!;
        if (count == 0)
        {
            return (zeros_like(weight), zeros_like(weight));
        }

        if (Normalization == SaliencyNormalization.MaskCount)
        {
            // R = (1/N) Σ s M = (Σ s'M + c Σ M) / N;  U = (1/N) Σ (s' − d)² M with d = R − c.
            var r = (first + c * weight) / count;
            var d = r - c;
            var u = (second - 2 * d * first + d * d * weight) / count;
            return (r, u.clamp_min(0));
        }

        // Weighted mean and variance; cells never kept (weight 0) get 0 like the reference implementation.
        var observed = weight > 0;
        var safe = where(observed, weight, ones_like(weight));
        var mean = first / safe;
        var saliency = where(observed, mean + c, zeros_like(weight));
        var uncertainty = where(observed, (second / safe - mean * mean).clamp_min(0), zeros_like(weight));
        return (saliency, uncertainty);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _sums.Dispose();
            _shift?.Dispose();
            _disposed = true;
        }
    }
}
