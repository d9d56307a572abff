using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

public class RelaxExplainerTests
{
    private const int H = 48, W = 48;

    [Theory]
    [MemberData(nameof(MaskGeneratorTests.Generators), MemberType = typeof(MaskGeneratorTests))]
    public void Saliency_is_higher_inside_the_only_region_the_embedder_reads(string generatorName)
    {
        var embedder = new RectangleEmbedder(top: 8, left: 8, height: 6, width: 6);
        var masks = generatorName switch
        {
            "random-grid" => new RandomGridMasks(6, 0.5),
            "time" => (IMaskGenerator)new TimeBandMasks(4, 0.5),
            "frequency" => new FrequencyBandMasks(4, 0.5),
            "time-frequency" => new TimeFrequencyMasks(4, 4, 0.5),
            _ => MaskGeneratorTests.Create(generatorName),
        };
        var explainer = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 1500, BatchSize = 100, Seed = 7 });

        var result = explainer.Explain(TestInputs.Noise(H, W, seed: 1));

        double inside = TestInputs.Mean(result.Saliency, embedder.Contains);
        // Far from the rectangle in both axes, no mask family couples a cell to the rectangle.
        bool Far(int i, int j) => i >= 30 && j >= 30;
        double farMax = TestInputs.Max(result.Saliency, Far);
        double farMean = TestInputs.Mean(result.Saliency, Far);
        Assert.True(inside > farMax, $"{generatorName}: mean saliency inside {inside:F4} should exceed every far cell (max {farMax:F4}, mean {farMean:F4})");
        Assert.Equal(1500, result.MasksUsed);
        Assert.Equal(generatorName, result.MaskGenerator);
    }

    [Theory]
    [MemberData(nameof(MaskGeneratorTests.Generators), MemberType = typeof(MaskGeneratorTests))]
    public void An_embedder_that_ignores_the_input_gives_a_flat_map_and_no_uncertainty(string generatorName)
    {
        var explainer = new RelaxExplainer(new ConstantEmbedder(), MaskGeneratorTests.Create(generatorName), new RelaxOptions { MaskCount = 300, BatchSize = 64 });
        var result = explainer.Explain(TestInputs.Noise(24, 18, seed: 2));
        foreach (var r in result.Saliency)
        {
            Assert.Equal(1.0, r, 6);
        }
        foreach (var u in result.Uncertainty)
        {
            Assert.InRange(u, 0, 1e-10);
        }
    }

    [Fact]
    public void With_the_papers_1_over_N_estimator_a_constant_embedder_yields_the_keep_frequency_map()
    {
        // R = (1/N) Σ s M with s ≡ 1 is the fraction of masks that kept each cell: pure mask-count noise.
        var explainer = new RelaxExplainer(new ConstantEmbedder(), new BernoulliPixelMasks(0.5),
            new RelaxOptions { MaskCount = 200, BatchSize = 50, Normalization = SaliencyNormalization.MaskCount });
        var result = explainer.Explain(TestInputs.Noise(10, 10, seed: 2));
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                Assert.Equal(result.MaskWeight[i, j] / 200.0, result.Saliency[i, j], 6);
            }
        }
        Assert.True(TestInputs.Max(result.Saliency, (_, _) => true) - TestInputs.Min(result.Saliency, (_, _) => true) > 0.1);
    }

    [Fact]
    public void A_result_reports_the_normalisation_of_the_estimator_that_made_its_maps()
    {
        // The options say mask-weight (the default); the caller's estimator normalises by N. The result must say N,
        // and its maps must be those of an explainer whose own estimator normalises by N.
        var embedder = new RectangleEmbedder(2, 2, 5, 5);
        var input = TestInputs.Noise(10, 10, seed: 4);
        var options = new RelaxOptions { MaskCount = 96, BatchSize = 32, Seed = 3 };
        using var tensor = TensorArrays.FromArray2D(input);
        using var estimator = new Relax.Estimation.StreamingSaliencyEstimator(10, 10, CPU, SaliencyNormalization.MaskCount);
        var viaEstimator = new RelaxExplainer(embedder, new BernoulliPixelMasks(0.5), options).Explain(tensor, estimator);
        var viaOptions = new RelaxExplainer(embedder, new BernoulliPixelMasks(0.5), options with { Normalization = SaliencyNormalization.MaskCount }).Explain(input);
        var maskWeight = new RelaxExplainer(embedder, new BernoulliPixelMasks(0.5), options).Explain(input);

        Assert.Equal(SaliencyNormalization.MaskCount, viaEstimator.Normalization);
        Assert.Equal(SaliencyNormalization.MaskWeight, maskWeight.Normalization);
        Assert.Equal(viaOptions.Saliency.Cast<float>(), viaEstimator.Saliency.Cast<float>());
        Assert.NotEqual(maskWeight.Saliency.Cast<float>(), viaEstimator.Saliency.Cast<float>());
    }

    [Fact]
    public void The_same_seed_gives_the_same_maps_and_another_seed_different_ones()
    {
        var embedder = new RectangleEmbedder(2, 2, 6, 6);
        RelaxResult Run(long seed) => new RelaxExplainer(embedder, new RandomGridMasks(4, 0.5), new RelaxOptions { MaskCount = 130, BatchSize = 32, Seed = seed })
            .Explain(TestInputs.Noise(16, 16, seed: 3));
        var a = Run(5);
        var b = Run(5);
        var c = Run(6);
        Assert.Equal(a.Saliency, b.Saliency);
        Assert.Equal(a.Uncertainty, b.Uncertainty);
        Assert.NotEqual(a.Saliency, c.Saliency);
    }

    [Fact]
    public void Batches_cover_exactly_N_masks_and_progress_is_reported_after_each()
    {
        var embedder = new ConstantEmbedder();
        var progress = new ListProgress();
        var result = new RelaxExplainer(embedder, new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 70, BatchSize = 32 })
            .Explain(TestInputs.Noise(8, 8, 1), progress);
        Assert.Equal(70, result.MasksUsed);
        Assert.Equal(new[] { 32, 64, 70 }, progress.Reports.Select(r => r.MasksDone));
        Assert.All(progress.Reports, r => Assert.Equal(70, r.MasksTotal));
        Assert.Equal(1 + 3, embedder.Calls); // the unmasked input once, then one call per batch
        Assert.All(result.MaskWeight.Cast<float>(), w => Assert.InRange(w, 1, 69)); // every cell kept sometimes
    }

    [Fact]
    public void Mean_replacement_puts_the_input_mean_into_masked_cells()
    {
        var recorder = new RecordingEmbedder();
        var input = TestInputs.Noise(6, 5, 4);
        double mean = input.Cast<float>().Average(v => (double)v);
        new RelaxExplainer(recorder, new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 4, BatchSize = 4 }).Explain(input);
        var batch = recorder.Batches[1]; // [0] is the unmasked input
        for (int k = 0; k < 4; k++)
        {
            for (int i = 0; i < 6; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    float v = batch[(k * 6 + i) * 5 + j];
                    Assert.True(Math.Abs(v - input[i, j]) < 1e-6 || Math.Abs(v - mean) < 1e-5, $"cell ({i},{j}) of mask {k} is {v}: neither the input {input[i, j]} nor the mean {mean}");
                }
            }
        }
    }

    [Theory]
    [InlineData("min")]
    [InlineData("zero")]
    [InlineData("constant")]
    public void Other_replacements_put_their_value_into_masked_cells(string which)
    {
        var input = TestInputs.Noise(6, 5, 4);
        var (replacement, value) = which switch
        {
            "min" => (MaskReplacement.Min, input.Cast<float>().Min()),
            "zero" => (MaskReplacement.Zero, 0f),
            _ => (MaskReplacement.Constant(-3.5), -3.5f),
        };
        var recorder = new RecordingEmbedder();
        new RelaxExplainer(recorder, new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 8, BatchSize = 8, Replacement = replacement }).Explain(input);
        var batch = recorder.Batches[1];
        int replaced = 0;
        for (int k = 0; k < batch.Length; k++)
        {
            float original = input[k / 5 % 6, k % 5];
            Assert.True(Math.Abs(batch[k] - original) < 1e-5 || Math.Abs(batch[k] - value) < 1e-5, $"value {batch[k]} is neither {original} nor {value}");
            replaced += Math.Abs(batch[k] - original) >= 1e-5 ? 1 : 0;
        }
        Assert.True(replaced > 0);
    }

    [Fact]
    public void Invalid_options_are_rejected_where_they_are_set()
    {
        Assert.Equal("MaskCount", Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxOptions { MaskCount = 0 }).ParamName);
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxOptions { BatchSize = 0 }).ParamName);
        Assert.Equal("Replacement", Assert.Throws<ArgumentNullException>(() => new RelaxOptions { Replacement = null! }).ParamName);
        Assert.Equal("Similarity", Assert.Throws<ArgumentNullException>(() => new RelaxOptions { Similarity = null! }).ParamName);
        Assert.Equal("Normalization", Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxOptions { Normalization = (SaliencyNormalization)9 }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvergenceOptions { TargetCorrelation = 1.0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvergenceOptions { TargetCorrelation = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvergenceOptions { CheckEvery = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvergenceOptions { MinMasks = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskReplacement.Constant(double.NaN));
        Assert.Throws<ArgumentNullException>(() => new RelaxExplainer(null!, new BernoulliPixelMasks()));
        Assert.Throws<ArgumentNullException>(() => new RelaxExplainer(new ConstantEmbedder(), null!));
    }

    [Fact]
    public void Bad_inputs_and_misbehaving_models_give_clear_exceptions()
    {
        var explainer = new RelaxExplainer(new ConstantEmbedder(), new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 4 });
        using (var threeD = ones(2, 4, 4))
        {
            Assert.Contains("(H, W)", Assert.Throws<ArgumentException>(() => explainer.Explain(threeD)).Message);
        }
        var nan = TestInputs.Noise(4, 4, 1);
        nan[1, 2] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => explainer.Explain(nan)).Message);

        var tooSmall = new RelaxExplainer(new ConstantEmbedder(), new RandomGridMasks(8, 0.5));
        Assert.Contains("larger than the input", Assert.Throws<ArgumentException>(() => tooSmall.Explain(TestInputs.Noise(4, 4, 1))).Message);

        var broken = new RelaxExplainer(new WrongShapeEmbedder(), new BernoulliPixelMasks());
        Assert.Contains("WrongShapeEmbedder", Assert.Throws<InvalidOperationException>(() => broken.Explain(TestInputs.Noise(4, 4, 1))).Message);
    }

    [Fact]
    public void Cancellation_stops_between_batches()
    {
        using var cts = new CancellationTokenSource();
        var embedder = new ConstantEmbedder();
        var progress = new ListProgress(p =>
        {
            if (p.MasksDone >= 64)
            {
                cts.Cancel();
            }
        });
        var explainer = new RelaxExplainer(embedder, new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 10_000, BatchSize = 32 });
        Assert.ThrowsAny<OperationCanceledException>(() => explainer.Explain(TestInputs.Noise(8, 8, 1), progress, cts.Token));
        Assert.Equal(1 + 2, embedder.Calls);

        using var already = new CancellationTokenSource();
        already.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => explainer.Explain(TestInputs.Noise(8, 8, 1), null, already.Token));
    }

    [Fact]
    public void Convergence_stop_uses_fewer_masks_and_agrees_with_a_long_run()
    {
        var embedder = new RectangleEmbedder(4, 4, 10, 10);
        var input = TestInputs.Noise(24, 24, 8);
        var masks = new RandomGridMasks(4, 0.5);
        var reference = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = 6000, BatchSize = 200, Seed = 1 }).Explain(input);
        var progress = new ListProgress();
        var early = new RelaxExplainer(embedder, masks, new RelaxOptions
        {
            MaskCount = 6000,
            BatchSize = 50,
            Seed = 2,
            Convergence = new ConvergenceOptions { TargetCorrelation = 0.98, CheckEvery = 100, MinMasks = 200 },
        }).Explain(input, progress);

        Assert.True(early.StoppedEarly);
        Assert.True(early.MasksUsed < 3000, $"stopped only after {early.MasksUsed} masks");
        Assert.True(early.EstimatedCorrelation >= 0.98);
        Assert.Contains(progress.Reports, r => !double.IsNaN(r.EstimatedCorrelation));
        double actual = TestInputs.Correlation(early.Saliency, reference.Saliency);
        Assert.True(actual > 0.95, $"early map correlates {actual:F3} with the 6000-mask map");
    }

    [Fact]
    public void Convergence_never_stops_a_run_whose_map_is_only_noise()
    {
        // The paper's estimator with an input-blind model: the map is mask-count noise, halves do not agree.
        var result = new RelaxExplainer(new ConstantEmbedder(), new BernoulliPixelMasks(), new RelaxOptions
        {
            MaskCount = 1000,
            BatchSize = 100,
            Normalization = SaliencyNormalization.MaskCount,
            Convergence = new ConvergenceOptions { TargetCorrelation = 0.9, CheckEvery = 100, MinMasks = 200 },
        }).Explain(TestInputs.Noise(12, 12, 1));
        Assert.False(result.StoppedEarly);
        Assert.Equal(1000, result.MasksUsed);
        Assert.True(result.EstimatedCorrelation < 0.9);
    }

    [Fact]
    public void Results_save_as_npy_and_csv()
    {
        var result = new RelaxExplainer(new RectangleEmbedder(1, 1, 3, 3), new BernoulliPixelMasks(), new RelaxOptions { MaskCount = 64 })
            .Explain(TestInputs.Noise(6, 5, 1));
        var dir = Path.Combine(Path.GetTempPath(), "relax-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            result.Save(dir);
            Assert.Equal(result.Saliency, IO.NpyFile.Read2D(Path.Combine(dir, "saliency.npy")));
            Assert.Equal(result.Uncertainty, IO.NpyFile.Read2D(Path.Combine(dir, "uncertainty.npy")));
            var lines = File.ReadAllLines(Path.Combine(dir, "saliency.csv"));
            Assert.Equal(6, lines.Length);
            Assert.All(lines, l => Assert.Equal(5, l.Split(',').Length));
            Assert.Equal(result.Saliency[2, 3], float.Parse(lines[2].Split(',')[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class RecordingEmbedder : IEmbedder
    {
        public Device Device => CPU;

        public List<float[]> Batches { get; } = new();

        public Tensor Embed(Tensor inputs)
        {
            Batches.Add(inputs.contiguous().data<float>().ToArray());
            return inputs.reshape(inputs.shape[0], -1).clone();
        }
    }
}
