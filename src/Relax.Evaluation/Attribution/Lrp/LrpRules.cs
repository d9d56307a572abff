namespace Relax.Attribution;

/// <summary>
/// The rules of <see cref="LrpAttribution"/>: the composite of Montavon et al. (2019, "Layer-wise relevance
/// propagation: an overview") that Zennit names <c>EpsilonGammaBox</c> — LRP-ε for the dense layers, LRP-γ for the
/// convolutions, and for the first convolution, whose input (a log-mel spectrogram) is signed, the z^B rule bounded
/// by the input's own minimum and maximum. ReLUs pass relevance unchanged and max-pooling gives each window's
/// relevance to its maximum (winner takes all). Checked when set.
/// </summary>
public sealed record LrpRules
{
    private readonly double _epsilon = 0.25;
    private readonly double _gamma = 0.25;
    private readonly double _stabilizer = 1e-6;

    /// <summary>ε of the dense layers (finite, ≥ 0): z_k + ε·sign(z_k) in each denominator, so weak or contradictory
    /// contributions are absorbed instead of amplified. Default 0.25, as Montavon et al.'s VGG-16 example; 0 gives
    /// LRP-0 (then only <see cref="Stabilizer"/> keeps denominators away from zero).</summary>
    public double Epsilon
    {
        get => _epsilon;
        init => _epsilon = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Epsilon), value, "Must be finite and at least 0.");
    }

    /// <summary>γ of the convolutions (finite, ≥ 0): weights w + γ·w⁺ (and biases b + γ·b⁺) favour positive
    /// contributions. Default 0.25; 0 gives LRP-0.</summary>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Gamma), value, "Must be finite and at least 0.");
    }

    /// <summary>How the first convolution hands relevance to the input. Default <see cref="LrpInputRule.ZBox"/>.</summary>
    public LrpInputRule InputRule { get; init; } = LrpInputRule.ZBox;

    /// <summary>The term that keeps the denominators of the γ and z^B rules (and of ε = 0) from zero: z + s·(sign(z) +
    /// [z = 0]). Finite, &gt; 0. Default 1e-6, as Zennit.</summary>
    public double Stabilizer
    {
        get => _stabilizer;
        init => _stabilizer = double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Stabilizer), value, "Must be finite and greater than 0.");
    }

    /// <summary>The dtype relevance is computed in: <see cref="TorchSharp.torch.ScalarType.Float32"/> (default) or
    /// Float64. A bfloat16 model's weights are widened to it, layer by layer.</summary>
    public TorchSharp.torch.ScalarType DType { get; init; } = TorchSharp.torch.ScalarType.Float32;
}

/// <summary>How the first convolution of an <see cref="LrpNetwork"/> hands relevance to the input.</summary>
public enum LrpInputRule
{
    /// <summary>z^B (Montavon et al., 2017): for inputs bounded by l ≤ x ≤ h, R_i = Σ_k (x_i w_ik − l w⁺_ik − h w⁻_ik)
    /// / z_k · R_k, with l and h the input's own minimum and maximum. Meant for signed inputs such as log-mel
    /// spectrograms, where the γ rule's "positive contribution" has no meaning.</summary>
    ZBox,

    /// <summary>The γ rule of the other convolutions (with γ = 0, LRP-0: gradient × input for bias-free networks).</summary>
    Gamma,
}
