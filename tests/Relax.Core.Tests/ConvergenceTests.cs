using Relax.Estimation;
using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>The convergence stop decides on the Spearman–Brown estimate √(2r / (1 + r)) of the split-half correlation r,
/// not on r itself; the values below are computed by hand.</summary>
public class ConvergenceTests
{
    [Theory]
    [InlineData(0.6, 0.8660254037844386)]   // √(1.2 / 1.6) = √0.75
    [InlineData(1.0, 1.0)]
    [InlineData(1.5, 1.0)]                  // clamped to r = 1
    [InlineData(0.0, 0.0)]
    [InlineData(-0.3, 0.0)]
    [InlineData(0.2, 0.5773502691896258)]   // √(0.4 / 1.2) = √(1/3)
    public void Estimated_correlation_is_the_square_root_of_the_spearman_brown_reliability(double r, double expected)
        => Assert.Equal(expected, ConvergenceOptions.EstimatedCorrelation(r), 12);

    [Fact]
    public void Estimated_correlation_of_nan_is_nan()
        => Assert.True(double.IsNaN(ConvergenceOptions.EstimatedCorrelation(double.NaN)));

    /// <summary>Accumulates into a real estimator but reports a fixed split-half correlation.</summary>
    private sealed class FixedSplitHalf(int height, int width, double r) : ISaliencyEstimator
    {
        private readonly StreamingSaliencyEstimator _inner = new(height, width, CPU);

        public int Checks { get; private set; }

        public int Height => _inner.Height;

        public int Width => _inner.Width;

        public SaliencyNormalization Normalization => _inner.Normalization;

        public long Count => _inner.Count;

        public void Accumulate(Tensor masks, Tensor scores) => _inner.Accumulate(masks, scores);

        public SaliencyMaps Estimate() => _inner.Estimate();

        public double SplitHalfCorrelation()
        {
            Checks++;
            return r;
        }

        public void Dispose() => _inner.Dispose();
    }

    private static (RelaxResult Result, int Checks) Run(double target)
    {
        var options = new RelaxOptions
        {
            MaskCount = 512,
            BatchSize = 32,
            Convergence = new ConvergenceOptions { TargetCorrelation = target, MinMasks = 64, CheckEvery = 32 },
        };
        using var input = TensorArrays.FromArray2D(TestInputs.Noise(8, 8, 1));
        using var estimator = new FixedSplitHalf(8, 8, 0.6);
        var result = new RelaxExplainer(new RectangleEmbedder(1, 1, 4, 4), new BernoulliPixelMasks(0.5), options).Explain(input, estimator);
        return (result, estimator.Checks);
    }

    [Fact]
    public void The_run_stops_at_the_first_check_whose_estimate_reaches_the_target()
    {
        // r = 0.6 is below 0.85, but its estimate √0.75 ≈ 0.866 is not: the first check (after MinMasks = 64) stops.
        var (result, checks) = Run(0.85);
        Assert.True(result.StoppedEarly);
        Assert.Equal(64, result.MasksUsed);
        Assert.Equal(1, checks);
        Assert.Equal(Math.Sqrt(0.75), result.EstimatedCorrelation, 12);
    }

    [Fact]
    public void A_target_above_the_estimate_draws_every_mask_and_reports_the_final_estimate()
    {
        // Checks at 64, 96, …, 480 (never after the last batch), then one final estimate over all 512 masks.
        var (result, checks) = Run(0.9);
        Assert.False(result.StoppedEarly);
        Assert.Equal(512, result.MasksUsed);
        Assert.Equal((480 - 64) / 32 + 1 + 1, checks);
        Assert.Equal(Math.Sqrt(0.75), result.EstimatedCorrelation, 12);
    }
}
