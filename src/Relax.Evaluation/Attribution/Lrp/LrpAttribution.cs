using Relax.Classification;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// Layer-wise Relevance Propagation (Bach et al., 2015) for a network in VGG's pattern (<see cref="LrpNetwork"/>),
/// with the rules of <see cref="LrpRules"/>: one forward pass, then the explained output's value is handed back layer
/// by layer to the input cells.
/// </summary>
/// <remarks>
/// <para>What is explained. With a linear classifier head (<see cref="ILinearEmbeddingClassifier"/>), the logit of
/// the predicted class (or <see cref="TargetClass"/>), appended as one more ε layer. Without one (Google's VGGish),
/// the embedding's projection onto the direction of the unmasked embedding, f(x) = h(x) · h(x₀) / ‖h(x₀)‖, which
/// equals ‖h(x₀)‖ at the input. Why that target: LRP needs one scalar that is a sum of the last layer's
/// contributions, and RELAX and every other method here explain the cosine similarity to h(x₀); the projection is
/// cosine's numerator up to the fixed scale 1 / ‖h(x₀)‖, the part of it that is linear in the embedding, so cells
/// with positive relevance are those that push the embedding towards where it is — what RELAX measures by removal.
/// (Cosine itself is 1 at x₀ whatever the input, which leaves nothing to distribute.)</para>
/// <para>Conservation: with zero biases and a small ε the input relevances sum to f(x); biases, ε and the
/// stabiliser absorb part of it otherwise (<see cref="LrpExplanation.ConservationError"/> says how much).</para>
/// </remarks>
public sealed class LrpAttribution : IAttributionMethod
{
    private readonly LrpNetwork _network;
    private readonly ILinearEmbeddingClassifier? _head;

    /// <summary>Creates the method.</summary>
    /// <param name="network">The network (see <see cref="LrpNetwork.FromVggPattern"/>).</param>
    /// <param name="head">A linear classifier on its output whose logit is explained; null explains the projection
    /// onto the unmasked embedding.</param>
    /// <param name="rules">The rules; defaults when null.</param>
    /// <param name="targetClass">The class whose logit is explained; null for the predicted class. Needs a head.</param>
    /// <exception cref="ArgumentException">The head expects another number of features than the network gives, or a
    /// target class without a head or outside its classes.</exception>
    public LrpAttribution(LrpNetwork network, ILinearEmbeddingClassifier? head = null, LrpRules? rules = null, int? targetClass = null)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        Rules = rules ?? new LrpRules();
        if (head is not null && head.Features != network.OutputFeatures)
        {
            throw new ArgumentException($"The head takes {head.Features} features and the network gives {network.OutputFeatures}.", nameof(head));
        }
        if (targetClass is { } t && (head is null || t < 0 || t >= head.Classes))
        {
            throw new ArgumentOutOfRangeException(nameof(targetClass), t, head is null
                ? "A target class needs a classifier head."
                : $"The head has {head.Classes} classes.");
        }
        _head = head;
        TargetClass = targetClass;
    }

    /// <summary>The rules.</summary>
    public LrpRules Rules { get; }

    /// <summary>The class whose logit is explained, or null for the predicted one (or for the projection, without a head).</summary>
    public int? TargetClass { get; }

    /// <inheritdoc />
    public string Name => "lrp";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default) => Explain(input, cancellationToken).Map;

    /// <summary>Explains one input (H, W), (1, H, W) or (1, 1, H, W).</summary>
    /// <returns>The relevance map (H, W) with the explained output and the relevance that reached the input.</returns>
    public LrpExplanation Explain(Tensor input, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (height, width) = InputShape.Dimensions(input);
        var x = InputShape.Prepare(input, height, width, _network.Device, Rules.DType);
        var activations = _network.Activations(x, Rules.DType);
        var output = activations[^1]; // (1, D)
        var (target, targetBias, targetClass) = Target(output);
        var value = nn.functional.linear(output, target, targetBias);        // (1, 1)
        double explained = value.to(ScalarType.Float64).item<double>();
        // The target layer is one more ε layer; its output relevance is its value.
        var relevance = new LrpDense(target, targetBias).Relevance(output, value, Rules);
        for (int i = _network.Layers.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            relevance = _network.Layers[i].Relevance(activations[i], relevance, Rules);
        }
        var map = relevance.reshape(height, width);
        if (!map.isfinite().all().item<bool>())
        {
            throw new InvalidOperationException($"LRP produced non-finite relevance (explained output {explained}); the input or the weights hold extreme values.");
        }
        return new LrpExplanation(TensorArrays.ToArray2D(map.to(ScalarType.Float32)), explained, map.to(ScalarType.Float64).sum().item<double>(),
            _head is null ? "projection onto the unmasked embedding" : $"logit of class {targetClass}", targetClass);
    }

    /// <summary>The explained output as a 1-output linear layer on the network's output: the head's logit, or the
    /// unit vector of the unmasked embedding (zero when the embedding is zero: then nothing is explained).</summary>
    private (Tensor Weight, Tensor? Bias, int? Class) Target(Tensor output)
    {
        if (_head is null)
        {
            var norm = output.norm().to(ScalarType.Float64).item<double>();
            var unit = norm > 0 ? output / norm : zeros_like(output);
            return (unit, null, null);
        }
        int k = TargetClass ?? (int)_head.Probabilities(output).argmax(1).item<long>();
        var (weights, bias) = _head.Logit(k);
        return (tensor(weights, new long[] { 1, weights.Length }, ScalarType.Float64, output.device).to(output.dtype),
            tensor(new[] { bias }, ScalarType.Float64, output.device).to(output.dtype), k);
    }
}

/// <summary>One LRP explanation.</summary>
/// <param name="Map">The relevance of each input cell (H, W).</param>
/// <param name="Output">The explained output f(x): the logit, or the projection onto the unmasked embedding.</param>
/// <param name="RelevanceSum">The sum of <paramref name="Map"/> (in float64).</param>
/// <param name="Target">What was explained, in words.</param>
/// <param name="TargetClass">The explained class, when a head's logit was explained.</param>
public sealed record LrpExplanation(float[,] Map, double Output, double RelevanceSum, string Target, int? TargetClass)
{
    /// <summary>|Σ R − f(x)| / |f(x)|: the share of the output that biases, ε and stabilisers absorbed (0 when f = 0
    /// and nothing reached the input).</summary>
    public double ConservationError => Output == 0 ? Math.Abs(RelevanceSum) : Math.Abs(RelevanceSum - Output) / Math.Abs(Output);
}
