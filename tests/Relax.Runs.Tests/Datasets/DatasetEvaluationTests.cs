using Relax.Attribution;
using Relax.Core.Tests;
using Relax.Evaluation;
using Relax.Evaluation.Tests;
using Relax.Masks;
using Relax.Waveform;
using static TorchSharp.torch;

namespace Relax.Runs.Tests;

// The dataset runner trims the process-wide native heap (NativeHeap.TrimIfDue); its tests and NativeHeap's must not interleave.
[Collection(NativeHeapTestGroup.Name)]
public class DatasetEvaluationTests
{
    private static string TempFolder() => Path.Combine(Path.GetTempPath(), "relax-dataset-" + Guid.NewGuid().ToString("N"));

    private static List<EvaluationItem> Items(int count) =>
        Enumerable.Range(0, count).Select(k => new EvaluationItem($"clip-{k}", TestInputs.Noise(12, 10, 20 + k), k % 2)).ToList();

    [Fact]
    public void Replacing_with_another_input_uses_its_values_cell_by_cell()
    {
        var embedder = new TanhRectangleEmbedder(2, 2, 4, 4);
        var x = TestInputs.Noise(10, 10, 1);
        var other = TestInputs.Noise(10, 10, 2);
        using var input = x.ToTensor();
        var relevance = TestInputs.Noise(10, 10, 3);

        // Replacing with the input itself removes nothing: the curve stays at 1.
        var self = new PixelFlipping(embedder, new PixelFlippingOptions { StepFraction = 0.25, Replacement = MaskReplacement.FromInput(x) });
        Assert.All(self.Evaluate(input, relevance, FlipOrder.MostRelevantFirst).Similarity, s => Assert.Equal(1.0, s, 5));

        // With everything removed, the masked input is the donor.
        using var donorTensor = other.ToTensor();
        var replacement = MaskReplacement.FromInput(donorTensor, "donor");
        var curve = new PixelFlipping(embedder, new PixelFlippingOptions { StepFraction = 0.25, Replacement = replacement })
            .Evaluate(input, relevance, FlipOrder.Random);
        using var scope = NewDisposeScope();
        var expected = nn.functional.cosine_similarity(embedder.Embed(donorTensor.reshape(1, 1, 10, 10)), embedder.Embed(input.reshape(1, 1, 10, 10)), dim: 1).item<float>();
        Assert.Equal(expected, curve.Similarity[^1], 5);
        Assert.Equal("donor", curve.Replacement);

        Assert.Throws<ArgumentException>(() => replacement.Compute(zeros(1, 1, 4, 4)));
        var bad = new float[2, 2];
        bad[1, 1] = float.NaN;
        Assert.Throws<ArgumentException>(() => MaskReplacement.FromInput(bad));
    }

    private static double Trapezoid(double[] x, double[] y)
    {
        double area = 0;
        for (int k = 1; k < x.Length; k++)
        {
            area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2;
        }
        return area;
    }

    [Fact]
    public void Per_class_rows_are_the_means_of_the_clips_areas_computed_from_their_curves()
    {
        var folder = TempFolder();
        try
        {
            var embedder = new TanhRectangleEmbedder(3, 2, 4, 4, dimensions: 4);
            var options = new DatasetEvaluationOptions
            {
                OutputDirectory = folder,
                Flipping = new PixelFlippingOptions { StepFraction = 0.25, BatchSize = 8, Seed = 2 },
                ClassNames = ["even", "odd"],
            };
            var evaluator = new DatasetEvaluator(embedder, [new OcclusionAttribution(embedder, 4, 4, 2, 2), new GradientAttribution(embedder)], options, new FirstFeatureClassifier());
            var summary = evaluator.Run(Items(5));

            // Columns of per-class.csv: class, clips, explainer, replacement, auc_morf, auc_lerf, auc_random, gap, prob_auc_morf, prob_auc_lerf, prob_auc_random, prob_gap.
            var rows = File.ReadAllLines(Path.Combine(folder, "per-class.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            var groups = new Dictionary<string, int[]> { ["even"] = [0, 2, 4], ["odd"] = [1, 3], ["all"] = [0, 1, 2, 3, 4] };
            foreach (var (group, members) in groups)
            {
                foreach (var explainer in new[] { "occlusion", "gradient" })
                {
                    foreach (var replacement in new[] { "mean", "min" })
                    {
                        double Mean(FlipOrder order, bool probability) => members.Average(k =>
                        {
                            var clip = summary.Clips[k];
                            var curve = clip.Curve(order == FlipOrder.Random ? null : explainer, replacement, order);
                            return Trapezoid(curve.Fractions, probability ? curve.ClassProbability! : curve.Similarity);
                        });
                        var row = rows.Single(r => r[0] == group && r[2] == explainer && r[3] == replacement);
                        var expected = new[]
                        {
                            Mean(FlipOrder.MostRelevantFirst, false), Mean(FlipOrder.LeastRelevantFirst, false), Mean(FlipOrder.Random, false),
                            Mean(FlipOrder.LeastRelevantFirst, false) - Mean(FlipOrder.MostRelevantFirst, false),
                            Mean(FlipOrder.MostRelevantFirst, true), Mean(FlipOrder.LeastRelevantFirst, true), Mean(FlipOrder.Random, true),
                            Mean(FlipOrder.LeastRelevantFirst, true) - Mean(FlipOrder.MostRelevantFirst, true),
                        };
                        Assert.Equal(members.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), row[1]);
                        for (int c = 0; c < expected.Length; c++)
                        {
                            double written = double.Parse(row[4 + c], System.Globalization.CultureInfo.InvariantCulture);
                            Assert.True(Math.Abs(written - expected[c]) <= 1e-5 * Math.Max(1, Math.Abs(expected[c])),
                                $"{group}/{explainer}/{replacement} column {4 + c}: {written} vs {expected[c]}");
                        }
                    }
                }
            }
            // The random curves differ from the MoRF ones, so a column mix-up cannot pass unnoticed.
            Assert.Contains(summary.PerClip, r => Math.Abs(r.SimilarityRandom - r.SimilarityMorf) > 1e-3);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    [Fact]
    public void A_dataset_run_writes_clip_results_and_csv_summaries_and_resumes_without_redoing_clips()
    {
        var folder = TempFolder();
        try
        {
            var embedder = new TanhRectangleEmbedder(3, 2, 4, 4, dimensions: 4);
            var explainers = new IAttributionMethod[] { new OcclusionAttribution(embedder, 4, 4, 2, 2), new GradientAttribution(embedder) };
            var options = new DatasetEvaluationOptions
            {
                OutputDirectory = folder,
                Flipping = new PixelFlippingOptions { StepFraction = 0.25, BatchSize = 8 },
                UseOtherInputReplacement = true,
                ClassNames = ["even", "odd"],
            };
            var evaluator = new DatasetEvaluator(embedder, explainers, options, new FirstFeatureClassifier());
            var reports = new List<DatasetProgress>();
            var artifacts = new List<string>();
            var summary = evaluator.Run(Items(3), new SyncProgress<DatasetProgress>(reports.Add), (clip, _, maps, dir) =>
            {
                Assert.Equal(2, maps.Count);
                artifacts.Add(clip.Id);
                File.WriteAllText(Path.Combine(dir, "extra.txt"), clip.Id);
            });

            Assert.Equal(3, summary.Computed);
            Assert.Equal(["clip-0", "clip-1", "clip-2"], artifacts);
            Assert.Equal(3 * 2 * 3, summary.PerClip.Count);        // clips × explainers × (mean, min, other-input)
            Assert.Equal(3 * 2 * 3, summary.PerClass.Count);       // (even, odd, all) × explainers × replacements
            Assert.Contains(reports, r => r.Stage == "explain occlusion");
            Assert.Equal(3, reports[^1].ItemsDone);
            var occlusion = summary.PerClass.Single(r => r.Group == "all" && r.Explainer == "occlusion" && r.Replacement == "mean");
            Assert.True(occlusion.SimilarityGap > 0, $"occlusion gap {occlusion.SimilarityGap}");
            Assert.Equal(1.0, summary.MeanRankCorrelation[0, 0], 9);
            Assert.NotEmpty(summary.Accuracy);
            Assert.All(summary.Accuracy, a => Assert.Equal(5, a.Accuracy.Count));

            foreach (var name in new[] { "per-clip.csv", "per-class.csv", "accuracy.csv", "rank-correlation.csv" })
            {
                Assert.True(File.Exists(Path.Combine(folder, name)), name);
            }
            var perClass = File.ReadAllLines(Path.Combine(folder, "per-class.csv"));
            Assert.StartsWith("class,clips,explainer,replacement,auc_morf,auc_lerf,auc_random,gap_lerf_minus_morf", perClass[0], StringComparison.Ordinal);
            Assert.Contains(perClass, l => l.StartsWith("odd,1,gradient,other-input,", StringComparison.Ordinal));
            Assert.Contains(perClass, l => l.StartsWith("all,3,occlusion,min,", StringComparison.Ordinal));
            Assert.Equal(1 + 3 * 2 * 3, File.ReadAllLines(Path.Combine(folder, "per-clip.csv")).Length);
            Assert.True(File.Exists(Path.Combine(folder, "clips", "clip-1", "map-gradient.npy")));
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));

            // Resume: finished clips are reused; a corrupt one and a new one are computed.
            File.WriteAllText(Path.Combine(folder, "clips", "clip-1", DatasetEvaluator.ResultFile), "{ truncated");
            artifacts.Clear();
            int callsBefore = embedder.Calls;
            var again = evaluator.Run(Items(4));
            Assert.Equal(2, again.Reused);
            Assert.Equal(2, again.Computed);
            Assert.True(embedder.Calls > callsBefore);
            Assert.Equal(summary.PerClip.Where(r => r.Group == "clip-0"), again.PerClip.Where(r => r.Group == "clip-0"));

            // Changed settings: nothing is reused.
            var other = new DatasetEvaluator(embedder, explainers, options with { Settings = new RunSettings([new("N", "2")]) });
            Assert.Null(other.TryLoad(Items(1)[0]));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    [Fact]
    public void Items_with_audio_get_audio_domain_scores_that_survive_a_resume()
    {
        var folder = TempFolder();
        try
        {
            var embedder = new RectangleEmbedder(30, 20, 40, 30);
            var random = new Random(3);
            var items = Enumerable.Range(0, 2).Select(k =>
            {
                var audio = Enumerable.Range(0, Relax.Audio.VGGishFrontEnd.SamplesPerExample).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                return new EvaluationItem($"noise-{k}", new Relax.Audio.VGGishFrontEnd().FromWaveform(audio, 16000).ExampleMatrix(0)) { Waveform = audio };
            }).ToList();
            var options = new DatasetEvaluationOptions { OutputDirectory = folder, Flipping = new PixelFlippingOptions { StepFraction = 0.5 }, Audio = new AudioFaithfulnessOptions() };
            var evaluator = new DatasetEvaluator(embedder, [new OcclusionAttribution(embedder, 8, 8, 8, 8)], options);
            var summary = evaluator.Run(items);
            Assert.Equal(["occlusion", "random"], summary.Audio.Select(r => r.Explainer));
            Assert.All(summary.Audio, r => Assert.Equal(2, r.Clips));
            // Occlusion finds the block the model reads: its evidence matters more than random cells'.
            Assert.True(summary.Audio[0].WithoutEvidence < summary.Audio[1].WithoutEvidence);
            Assert.True(summary.Audio[0].EvidenceOnly > summary.Audio[1].EvidenceOnly);
            Assert.Equal(summary.Audio[0].WithoutEvidence, summary.Clips.Average(c => c.Audio!.WithoutEvidence[0]), 12);
            var csv = File.ReadAllLines(Path.Combine(folder, "audio-faithfulness.csv"));
            Assert.Equal("explainer,clips,similarity_without_evidence,similarity_evidence_only", csv[0]);
            Assert.Equal(3, csv.Length);

            var resumed = evaluator.Run(items);
            Assert.Equal(2, resumed.Reused);
            Assert.Equal(summary.Audio, resumed.Audio);
            // Without audio scores asked for, the stored clips do not fit (other settings) and nothing is scored.
            var plain = new DatasetEvaluator(embedder, [new OcclusionAttribution(embedder, 8, 8, 8, 8)], options with { Audio = null });
            Assert.Null(plain.TryLoad(items[0]));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    [Fact]
    public async Task An_executor_that_returns_clips_out_of_order_writes_the_same_folder_and_one_with_other_settings_is_refused()
    {
        var folder = TempFolder();
        try
        {
            var embedder = new TanhRectangleEmbedder(0, 0, 4, 4);
            var options = new DatasetEvaluationOptions { OutputDirectory = Path.Combine(folder, "local"), Flipping = new PixelFlippingOptions { StepFraction = 0.25 }, UseOtherInputReplacement = true };
            IAttributionMethod[] explainers = [new GradientAttribution(embedder), new OcclusionAttribution(embedder, 4, 4, 4, 4)];
            var local = new DatasetEvaluator(embedder, explainers, options).Run(Items(4));

            // Four clips in flight, finished last to first: the folder and the summary are the single-process run's.
            var reordered = new DatasetEvaluator(embedder, explainers, options with { OutputDirectory = Path.Combine(folder, "reordered") });
            var summary = await reordered.RunAsync(Items(4), new ReversingExecutor(reordered, 4));
            Assert.Equal(local.PerClip, summary.PerClip);
            foreach (var file in Directory.GetFiles(Path.Combine(folder, "local"), "*.*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)))
            {
                Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(file.Replace(Path.Combine(folder, "local"), Path.Combine(folder, "reordered"), StringComparison.Ordinal)));
            }

            // Results computed with other settings (another step) are refused with the item named, and nothing is written.
            var other = new DatasetEvaluator(embedder, explainers, options with { Flipping = new PixelFlippingOptions { StepFraction = 0.5 } });
            var strict = new DatasetEvaluator(embedder, explainers, options with { OutputDirectory = Path.Combine(folder, "strict") });
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => strict.RunAsync(Items(2), new ReversingExecutor(other, 1)));
            Assert.Contains("clip-0", e.Message, StringComparison.Ordinal);
            Assert.Contains("other settings", e.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(strict.ClipFolder("clip-0")));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    /// <summary>Evaluates with <paramref name="evaluator"/> and completes each window of clips last to first.</summary>
    private sealed class ReversingExecutor(DatasetEvaluator evaluator, int window) : IUnitExecutor<ClipWork, EvaluatedClip>
    {
        private readonly List<(ClipWork Work, TaskCompletionSource<EvaluatedClip> Done)> _held = [];

        public int Window => window;

        public Task<EvaluatedClip> RunAsync(ClipWork work, IProgress<string>? stages, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource<EvaluatedClip>();
            _held.Add((work, done));
            if (_held.Count == window || work.Item.Id == "clip-3")
            {
                for (int k = _held.Count - 1; k >= 0; k--)
                {
                    _held[k].Done.SetResult(evaluator.EvaluateClip(_held[k].Work, null, cancellationToken));
                }
                _held.Clear();
            }
            return done.Task;
        }
    }

    [Fact]
    public void A_cancelled_run_keeps_finished_clips_and_bad_settings_are_rejected()
    {
        var folder = TempFolder();
        try
        {
            var embedder = new TanhRectangleEmbedder(0, 0, 4, 4);
            var options = new DatasetEvaluationOptions { OutputDirectory = folder, Flipping = new PixelFlippingOptions { StepFraction = 0.5 } };
            var evaluator = new DatasetEvaluator(embedder, [new GradientAttribution(embedder)], options);
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Run(Items(3), new SyncProgress<DatasetProgress>(p =>
            {
                if (p.Stage == "done")
                {
                    cancel.Cancel();
                }
            }), cancellationToken: cancel.Token));
            Assert.NotNull(evaluator.TryLoad(Items(1)[0]));
            Assert.Null(evaluator.TryLoad(Items(2)[1]));
            Assert.Equal(1, evaluator.Run(Items(3)).Reused);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }

        var e = new ConstantEmbedder();
        Assert.Throws<ArgumentException>(() => new EvaluationItem("../x", new float[2, 2]));
        Assert.Throws<ArgumentException>(() => new EvaluationItem("a", new float[0, 0]));
        Assert.Throws<ArgumentException>(() => new DatasetEvaluationOptions { OutputDirectory = " " });
        Assert.Throws<ArgumentException>(() => new DatasetEvaluationOptions { Replacements = [MaskReplacement.Mean, MaskReplacement.Mean] });
        Assert.Throws<ArgumentException>(() => new DatasetEvaluator(e, [], new DatasetEvaluationOptions()));
        Assert.Throws<ArgumentException>(() => new DatasetEvaluator(e, [new GradientAttribution(e), new GradientAttribution(e)], new DatasetEvaluationOptions()));
        Assert.Throws<ArgumentException>(() => new DatasetEvaluator(e, [new GradientAttribution(e)], new DatasetEvaluationOptions { Replacements = [] }));
        var evaluatorWithDonor = new DatasetEvaluator(e, [new GradientAttribution(e)], new DatasetEvaluationOptions { UseOtherInputReplacement = true });
        Assert.Throws<ArgumentException>(() => evaluatorWithDonor.Run(Items(1)));
        Assert.Throws<ArgumentException>(() => evaluatorWithDonor.Run([new EvaluationItem("a", new float[2, 2]), new EvaluationItem("A", new float[2, 2])]));
    }

    [Fact]
    public void A_waveform_models_clips_are_explained_and_flipped_over_their_own_stft_cells()
    {
        var folder = TempFolder();
        try
        {
            // Silence, then noise (0.5 s at 16 kHz): the toy model reads the noise's power, so removing its cells first
            // (MoRF) drops the similarity faster than removing the silent ones first (LeRF).
            var cells = StftCells.ForRate(16_000);
            var items = Enumerable.Range(0, 2).Select(k =>
            {
                var random = new Random(k);
                var samples = Enumerable.Range(0, 8000).Select(i => i < 4000 ? 0f : (float)(0.3 * (2 * random.NextDouble() - 1))).ToArray();
                return new EvaluationItem($"wave-{k}", cells.Spectrogram(samples)) { Waveform = samples };
            }).ToList();
            var model = new HalvesWaveformEmbedder();
            var built = new List<IEmbedder>();
            var options = new DatasetEvaluationOptions
            {
                OutputDirectory = folder,
                Flipping = new PixelFlippingOptions { StepFraction = 0.1, BatchSize = 16 },
                Replacements = [MaskReplacement.Zero],
                Cells = cells,
            };
            var evaluator = new DatasetEvaluator(model, embedder =>
            {
                built.Add(embedder);
                return [new RelaxAttribution(new RelaxExplainer(embedder, new RandomGridMasks(8, 0.5), new RelaxOptions { MaskCount = 128, BatchSize = 32, Replacement = MaskReplacement.Zero })),
                        new OcclusionAttribution(embedder, 8, 32, 8, 32, MaskReplacement.Zero)];
            }, options);
            var summary = evaluator.Run(items);

            Assert.Equal(2, summary.Computed);
            Assert.Equal(3, built.Count);                                        // the probe for the names, then one per clip
            Assert.All(built.Skip(1), e => Assert.IsType<StftCellEmbedder>(e));
            var (map, shape) = Relax.IO.NpyFile.Read(Path.Combine(folder, "clips", "wave-0", "map-occlusion.npy"));
            Assert.Equal(new long[] { 51, 257 }, shape);
            foreach (var explainer in new[] { "relax-random-grid", "occlusion" })
            {
                var areas = summary.PerClass.Single(r => r.Group == "all" && r.Explainer == explainer && r.Replacement == "zero");
                Assert.True(areas.SimilarityMorf < areas.SimilarityRandom && areas.SimilarityRandom < areas.SimilarityLerf,
                    $"{explainer}: MoRF {areas.SimilarityMorf}, random {areas.SimilarityRandom}, LeRF {areas.SimilarityLerf}");
            }
            Assert.Contains("cells=16000,400,160,512", evaluator.Fingerprint, StringComparison.Ordinal);

            // Fixed explainers cannot work on each clip's cells; other replacements cannot silence a cell.
            Assert.Throws<ArgumentException>(() => new DatasetEvaluator(model, [new OcclusionAttribution(model, 8, 32)], options));
            Assert.Throws<ArgumentException>(() => new DatasetEvaluator(model, e => [new OcclusionAttribution(e, 8, 32)], options with { Replacements = [MaskReplacement.Mean] }));
            Assert.Throws<ArgumentException>(() => new DatasetEvaluator(model, e => [new OcclusionAttribution(e, 8, 32)], options with { Cells = null }));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }
}

/// <summary>Reports synchronously.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
