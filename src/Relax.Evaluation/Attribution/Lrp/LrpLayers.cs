using Relax.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Attribution;

/// <summary>One layer of an <see cref="LrpNetwork"/>: its forward pass and its relevance rule.</summary>
internal abstract class LrpLayer
{
    /// <summary>The layer on <paramref name="input"/>, computed in <paramref name="dtype"/>.</summary>
    public abstract Tensor Forward(Tensor input, ScalarType dtype);

    /// <summary>The relevance of this layer's input, given its input <paramref name="input"/> and the relevance
    /// <paramref name="relevance"/> of its output.</summary>
    public abstract Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules);

    /// <summary>A short description for messages.</summary>
    public abstract string Describe();

    /// <summary>z + s·(sign(z) + [z = 0]): away from zero by s, on the side of z's sign (Zennit's <c>stabilize</c>).</summary>
    protected static Tensor Stabilize(Tensor z, double s) => z + (z.sign() + z.eq(0).to(z.dtype)) * s;
}

/// <summary>ReLU: relevance passes unchanged (a unit that is off has input relevance 0 through the layer below).</summary>
internal sealed class LrpRelu : LrpLayer
{
    public override Tensor Forward(Tensor input, ScalarType dtype) => functional.relu(input);

    public override Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules) => relevance.alias();

    public override string Describe() => "relu";
}

/// <summary>Max-pooling, winner takes all: each window's relevance goes to the position of its maximum (the one
/// PyTorch's max-pool selects, so ties resolve as its gradient does).</summary>
internal sealed class LrpMaxPool(long size) : LrpLayer
{
    public static LrpMaxPool Create(MaxPool2d pool, int index, string paramName)
    {
        var kernel = pool.kernel_size;
        var stride = pool.stride ?? kernel;
        bool ok = kernel.Length == 2 && kernel[0] == kernel[1] && stride.SequenceEqual(kernel)
            && (pool.padding is null || pool.padding.All(p => p == 0))
            && (pool.dilation is null || pool.dilation.All(d => d == 1)) && !pool.ceil_mode;
        return ok ? new LrpMaxPool(kernel[0])
            : throw new ArgumentException($"LRP takes max-pools with a square kernel equal to the stride and no padding; layer {index} of the features has kernel ({string.Join(", ", kernel)}), stride ({string.Join(", ", stride)}).", paramName);
    }

    public override Tensor Forward(Tensor input, ScalarType dtype) => functional.max_pool2d(input, [size, size], [size, size]);

    public override Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules)
    {
        // Indices are flat positions within each (H, W) plane; windows do not overlap, so each input takes at most one.
        var (_, indices) = functional.max_pool2d_with_indices(input, [size, size], [size, size]);
        long planes = input.shape[0] * input.shape[1];
        return zeros(planes, input.shape[2] * input.shape[3], dtype: relevance.dtype, device: relevance.device)
            .scatter_(1, indices.reshape(planes, -1), relevance.reshape(planes, -1)).reshape(input.shape);
    }

    public override string Describe() => $"maxpool {size}";
}

/// <summary>The flatten between the feature maps and the dense layers: relevance is reshaped back.</summary>
internal sealed class LrpFlatten(FlattenOrder order) : LrpLayer
{
    public override Tensor Forward(Tensor input, ScalarType dtype) =>
        (order == FlattenOrder.ChannelsLast ? input.permute(0, 2, 3, 1) : input).contiguous().flatten(1);

    public override Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules)
    {
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        return order == FlattenOrder.ChannelsLast
            ? relevance.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous()
            : relevance.reshape(b, c, h, w);
    }

    public override string Describe() => order == FlattenOrder.ChannelsLast ? "flatten (channels last)" : "flatten";
}

/// <summary>A linear layer, LRP-ε: R_j = a_j Σ_k w_kj R_k / (z_k + ε·sign(z_k)), z = W a + b.</summary>
internal sealed class LrpDense(Tensor weight, Tensor? bias) : LrpLayer
{
    public long OutputFeatures => weight.shape[0];

    public override Tensor Forward(Tensor input, ScalarType dtype) =>
        functional.linear(input, weight.to(dtype, input.device), bias?.to(dtype, input.device));

    public override Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules)
    {
        var w = weight.to(input.dtype, input.device);
        var z = functional.linear(input, w, bias?.to(input.dtype, input.device));
        var s = relevance / Stabilize(z, rules.Epsilon > 0 ? rules.Epsilon : rules.Stabilizer);
        return input * s.matmul(w);
    }

    public override string Describe() => $"linear {weight.shape[1]}→{weight.shape[0]}";
}

/// <summary>A "same" 2-D convolution, LRP-γ (or z^B when it is the first layer and the rules say so).</summary>
internal sealed class LrpConvolution : LrpLayer
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;
    private readonly long[] _padding;
    private readonly bool _first;

    private LrpConvolution(Tensor weight, Tensor? bias, long[] padding, bool first)
    {
        (_weight, _bias, _padding, _first) = (weight, bias, padding, first);
    }

    public Device Device => _weight.device;

    public static LrpConvolution Create(Conv2d conv, bool first, int index, string paramName)
    {
        var kernel = conv.kernel_size;
        long[] padding = conv.padding_type == Padding.Same ? [kernel[0] / 2, kernel[1] / 2] : conv.padding ?? [0, 0];
        bool ok = conv.groups == 1 && conv.stride.All(s => s == 1) && conv.dilation.All(d => d == 1)
            && conv.padding_mode == PaddingModes.Zeros && kernel.Length == 2 && kernel.All(k => k % 2 == 1)
            && padding.Length == 2 && padding[0] == kernel[0] / 2 && padding[1] == kernel[1] / 2;
        return ok ? new LrpConvolution(conv.weight, conv.bias, padding, first)
            : throw new ArgumentException($"LRP takes convolutions with stride 1, no dilation, one group and zero padding that keeps the size (an odd kernel k with padding (k − 1) / 2); layer {index} of the features is a {kernel[0]}×{kernel[^1]} convolution with stride ({string.Join(", ", conv.stride)}), padding ({string.Join(", ", padding)}), {conv.groups} group(s).", paramName);
    }

    public override Tensor Forward(Tensor input, ScalarType dtype) =>
        functional.conv2d(input, _weight.to(dtype, input.device), _bias?.to(dtype, input.device), padding: _padding);

    public override Tensor Relevance(Tensor input, Tensor relevance, LrpRules rules)
    {
        var w = _weight.to(input.dtype, input.device);
        if (_first && rules.InputRule == LrpInputRule.ZBox)
        {
            // z^B: the bias terms cancel (b − b⁺ − b⁻ = 0), so none appears.
            var (positive, negative) = (w.clamp_min(0), w.clamp_max(0));
            var low = full_like(input, input.min().to(ScalarType.Float64).item<double>());
            var high = full_like(input, input.max().to(ScalarType.Float64).item<double>());
            var z = Convolve(input, w) - Convolve(low, positive) - Convolve(high, negative);
            var s = relevance / Stabilize(z, rules.Stabilizer);
            return input * Transposed(s, w) - low * Transposed(s, positive) - high * Transposed(s, negative);
        }
        var gammaWeight = w + w.clamp_min(0) * rules.Gamma;
        var b = _bias?.to(input.dtype, input.device);
        var gammaBias = b is null ? null : b + b.clamp_min(0) * rules.Gamma;
        var zGamma = functional.conv2d(input, gammaWeight, gammaBias, padding: _padding);
        var sGamma = relevance / Stabilize(zGamma, rules.Stabilizer);
        return input * Transposed(sGamma, gammaWeight);
    }

    public override string Describe() => $"conv {_weight.shape[1]}→{_weight.shape[0]} {_weight.shape[2]}×{_weight.shape[3]}{(_first ? " (input layer)" : "")}";

    private Tensor Convolve(Tensor input, Tensor weight) => functional.conv2d(input, weight, padding: _padding);

    /// <summary>The adjoint of the convolution: Σ_k w_ik s_k for every input position i.</summary>
    private Tensor Transposed(Tensor s, Tensor weight) => functional.conv_transpose2d(s, weight, padding: _padding);
}
