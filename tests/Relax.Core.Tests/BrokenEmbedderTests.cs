using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>An embedder that breaks (NaN or infinite outputs) stops the explanation with an exception that names the
/// mask; one that maps to the zero vector is explained with a warning. No NaN map is ever returned.</summary>
public class BrokenEmbedderTests
{
    /// <summary>Reads a rectangle, but returns NaN (or ∞) for the <paramref name="badCall"/>-th call's row 3.</summary>
    private sealed class FailingEmbedder(int badCall, float value) : IEmbedder
    {
        private readonly RectangleEmbedder _inner = new(1, 1, 3, 3);
        private int _calls;

        public Device Device => CPU;

        public Tensor Embed(Tensor inputs)
        {
            var e = _inner.Embed(inputs).clone();
            if (_calls++ == badCall)
            {
                e[Math.Min(3, e.shape[0] - 1), 0] = value;
            }
            return e;
        }
    }

    private static RelaxExplainer Explainer(IEmbedder embedder) =>
        new(embedder, new BernoulliPixelMasks(0.5), new RelaxOptions { MaskCount = 64, BatchSize = 16 });

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_non_finite_masked_embedding_stops_the_run_and_names_the_mask(float value)
    {
        // Call 0 embeds the unmasked input; call 2 is the second batch, masks 16–31; row 3 is mask 19.
        var error = Assert.Throws<NonFiniteEmbeddingException>(() => Explainer(new FailingEmbedder(2, value)).Explain(TestInputs.Noise(6, 6, 1)));
        Assert.Equal(19, error.Mask);
        Assert.Contains("mask 19", error.Message, StringComparison.Ordinal);
        Assert.Contains("16–31", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_embedding_of_the_unmasked_input_is_reported_as_such()
    {
        var error = Assert.Throws<NonFiniteEmbeddingException>(() => Explainer(new FailingEmbedder(0, float.NaN)).Explain(TestInputs.Noise(6, 6, 1)));
        Assert.Equal(-1, error.Mask);
        Assert.Contains("unmasked input", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Returns the zero vector for every input.</summary>
    private sealed class ZeroEmbedder : IEmbedder
    {
        public Device Device => CPU;

        public Tensor Embed(Tensor inputs) => zeros(inputs.shape[0], 4);
    }

    [Fact]
    public void A_zero_embedding_is_explained_with_a_warning_and_finite_maps()
    {
        var result = Explainer(new ZeroEmbedder()).Explain(TestInputs.Noise(6, 6, 1));
        Assert.All(result.Saliency.Cast<float>(), v => Assert.Equal(0f, v));
        Assert.Contains("zero vector", Assert.Single(result.Warnings), StringComparison.Ordinal);
        Assert.Empty(Explainer(new RectangleEmbedder(1, 1, 3, 3)).Explain(TestInputs.Noise(6, 6, 1)).Warnings);
    }
}
