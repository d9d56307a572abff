using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>The batch size is a speed setting only: the same seed gives the same masks, the same convergence checks
/// and maps equal to float rounding whatever the batch, and the loop reads nothing back from the device between
/// check points.</summary>
public class BatchIndependenceTests
{
    [Theory]
    [MemberData(nameof(MaskGeneratorTests.Generators), MemberType = typeof(MaskGeneratorTests))]
    public void Maps_with_another_batch_size_equal_the_first_to_float_rounding(string name)
    {
        var embedder = new TanhRectangleEmbedder(3, 4, 8, 6);
        var input = TestInputs.Noise(24, 18, seed: 5);
        RelaxResult Run(int batch) => new RelaxExplainer(embedder, MaskGeneratorTests.Create(name),
            new RelaxOptions { MaskCount = 700, BatchSize = batch, Seed = 11 }).Explain(input);
        var reference = Run(64);
        foreach (int batch in new[] { 1, 7, 256, 700 })
        {
            var other = Run(batch);
            Assert.Equal(reference.MaskWeight, other.MaskWeight); // the same masks, whole numbers: exact
            double scale = TestInputs.Max(reference.Saliency, (_, _) => true);
            double worst = reference.Saliency.Cast<float>().Zip(other.Saliency.Cast<float>(), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-6 * scale, $"{name}, batch {batch}: max |Δ saliency| {worst:E2} against batch 64");
            double worstU = reference.Uncertainty.Cast<float>().Zip(other.Uncertainty.Cast<float>(), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worstU <= 1e-6 * Math.Max(1e-12, TestInputs.Max(reference.Uncertainty, (_, _) => true)), $"{name}, batch {batch}: max |Δ uncertainty| {worstU:E2}");
        }
    }

    [Fact]
    public void A_converging_run_checks_at_the_same_mask_counts_and_stops_after_the_same_masks_whatever_the_batch()
    {
        var embedder = new TanhRectangleEmbedder(2, 2, 6, 6);
        var input = TestInputs.Noise(16, 16, seed: 6);
        RelaxResult Run(int batch) => new RelaxExplainer(embedder, new TimeFrequencyMasks(4, 4, 0.5), new RelaxOptions
        {
            MaskCount = 4000,
            BatchSize = batch,
            Seed = 2,
            Convergence = new ConvergenceOptions { TargetCorrelation = 0.95, MinMasks = 100, CheckEvery = 60 },
        }).Explain(input);
        var reference = Run(64);
        Assert.True(reference.StoppedEarly, "the test needs a run that stops early");
        Assert.Equal(0, (reference.MasksUsed - 100) % 60); // a check point, not a batch boundary
        foreach (int batch in new[] { 7, 100, 1000 })
        {
            var other = Run(batch);
            Assert.Equal(reference.MasksUsed, other.MasksUsed);
            Assert.Equal(reference.EstimatedCorrelation, other.EstimatedCorrelation, 6); // float32 scores round differently per batch
            Assert.Equal(reference.MaskWeight, other.MaskWeight);
        }
    }

    /// <summary>Counts its calls and returns NaN for one row of call <paramref name="badCall"/>.</summary>
    private sealed class CountingNaNEmbedder(int badCall) : IEmbedder
    {
        private readonly RectangleEmbedder _inner = new(1, 1, 3, 3);

        public int Calls { get; private set; }

        public Device Device => CPU;

        public Tensor Embed(Tensor inputs)
        {
            var e = _inner.Embed(inputs).clone();
            if (Calls++ == badCall)
            {
                e[0, 0] = float.NaN;
            }
            return e;
        }
    }

    [Fact]
    public void Embeddings_are_checked_at_check_points_not_after_every_batch()
    {
        // Call 0 embeds the unmasked input, call 2 is the second batch (masks 8–15). Were the health read after every
        // batch, the run would stop at call 2; it is read every 16 batches, so the embedder sees 16 batches.
        var embedder = new CountingNaNEmbedder(badCall: 2);
        var explainer = new RelaxExplainer(embedder, new BernoulliPixelMasks(0.5), new RelaxOptions { MaskCount = 8 * 100, BatchSize = 8 });
        var error = Assert.Throws<NonFiniteEmbeddingException>(() => explainer.Explain(TestInputs.Noise(6, 6, 1)));
        Assert.Equal(8, error.Mask);
        Assert.Contains("8–15", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + RelaxExplainer.HealthCheckBatches, embedder.Calls);
    }

    [Fact]
    public void A_convergence_check_reads_the_health_first()
    {
        // A check at 24 masks (batch 8: the third batch) comes before the 16-batch read: the NaN of call 2 stops the run there.
        var embedder = new CountingNaNEmbedder(badCall: 2);
        var explainer = new RelaxExplainer(embedder, new BernoulliPixelMasks(0.5), new RelaxOptions
        {
            MaskCount = 800,
            BatchSize = 8,
            Convergence = new ConvergenceOptions { MinMasks = 24, CheckEvery = 24 },
        });
        Assert.Throws<NonFiniteEmbeddingException>(() => explainer.Explain(TestInputs.Noise(6, 6, 1)));
        Assert.Equal(1 + 3, embedder.Calls);
    }
}
