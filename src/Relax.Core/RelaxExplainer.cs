using System.Diagnostics;
using Relax.Estimation;
using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// RELAX (Wickstrøm et al., IJCV 2023) for any <see cref="IEmbedder"/>: embeds the input once, then streams
/// masks in batches through the model, scoring each masked embedding against the unmasked one and
/// accumulating saliency and uncertainty on the model's device.
/// </summary>
/// <example>
/// <code>
/// var explainer = new RelaxExplainer(embedder, new TimeFrequencyMasks(), new RelaxOptions { MaskCount = 2000 });
/// RelaxResult result = explainer.Explain(logMel); // (96, 64)
/// result.Save("out");
/// </code>
/// </example>
public sealed class RelaxExplainer
{
    /// <summary>Creates an explainer.</summary>
    /// <param name="embedder">The representation model to explain.</param>
    /// <param name="masks">The mask generator.</param>
    /// <param name="options">Run settings; defaults when null.</param>
    public RelaxExplainer(IEmbedder embedder, IMaskGenerator masks, RelaxOptions? options = null)
    {
        TorchBackend.EnsureAvailable();
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Masks = masks ?? throw new ArgumentNullException(nameof(masks));
        Options = options ?? new RelaxOptions();
    }

    /// <summary>The model being explained.</summary>
    public IEmbedder Embedder { get; }

    /// <summary>The mask generator.</summary>
    public IMaskGenerator Masks { get; }

    /// <summary>The run settings.</summary>
    public RelaxOptions Options { get; }

    /// <summary>Explains one input given as a managed array (H, W).</summary>
    public RelaxResult Explain(float[,] input, IProgress<RelaxProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var tensor = TensorArrays.FromArray2D(input);
        return Explain(tensor, progress, cancellationToken);
    }

    /// <summary>Explains one input.</summary>
    /// <param name="input">Shape (H, W), (1, H, W) or (1, 1, H, W); any device; finite values.</param>
    /// <param name="progress">Receives a report after every batch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <exception cref="ArgumentException">The input has the wrong shape or non-finite values, or the masks do not fit it.</exception>
    /// <exception cref="InvalidOperationException">The embedder returned embeddings of an unexpected shape.</exception>
    /// <exception cref="NonFiniteEmbeddingException">The embedder returned NaN or infinite values (no map is returned).</exception>
    /// <exception cref="OperationCanceledException">Cancelled between batches.</exception>
    /// <remarks>An embedding of zero norm has no direction: cosine similarity scores it 0. The result's
    /// <see cref="RelaxResult.Warnings"/> say when the unmasked input, or any masked one, embedded to zero.</remarks>
    public RelaxResult Explain(Tensor input, IProgress<RelaxProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (height, width) = InputShape.Dimensions(input);
        using var estimator = new StreamingSaliencyEstimator(height, width, Embedder.Device, Options.Normalization);
        return Run(input, height, width, estimator, progress, cancellationToken);
    }

    /// <summary>Explains one input, accumulating into a caller-provided estimator (which must be empty and sized
    /// like the input, on the embedder's device). The estimator's own <see cref="ISaliencyEstimator.Normalization"/>
    /// makes the maps, and the result reports it; <see cref="RelaxOptions.Normalization"/> is not consulted.</summary>
    public RelaxResult Explain(Tensor input, ISaliencyEstimator estimator, IProgress<RelaxProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        var (height, width) = InputShape.Dimensions(input);
        if (estimator.Height != height || estimator.Width != width || estimator.Count != 0)
        {
            throw new ArgumentException($"The estimator must be empty and sized {height} × {width}; it is {estimator.Height} × {estimator.Width} with {estimator.Count} masks.", nameof(estimator));
        }
        return Run(input, height, width, estimator, progress, cancellationToken);
    }

    private RelaxResult Run(Tensor input, int height, int width, ISaliencyEstimator estimator, IProgress<RelaxProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var device = Embedder.Device;
        int total = Options.MaskCount;
        var schedule = new ConvergenceSchedule(Options.Convergence, total);
        int done = 0;

        using (no_grad())
        using (NewDisposeScope())
        {
            var x = InputShape.Prepare(input, height, width, device);

            var replacement = Options.Replacement.Compute(x).to(ScalarType.Float32, device);
            var difference = x - replacement; // masked input = r + (x − r)·m: one multiply-add per batch
            var reference = EmbedChecked(x, 1, -1);
            EmbeddingHealth.ThrowIfNotFinite(reference, Embedder);
            long embeddingSize = reference.shape[1];
            // Read on the host only at check points (every few batches, at convergence checks and at the end), so that
            // a GPU never waits for the host between batches.
            using var health = new EmbeddingHealth(device);
            var batches = new List<(int First, int Count)>();
            int batchesSinceCheck = 0;

            while (done < total)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(Options.BatchSize, schedule.MasksBeforeNextCheck(done));
                using (NewDisposeScope())
                {
                    var masks = Masks.Generate(new MaskBatch(Options.Seed, done, count), height, width, device);
                    CheckMasks(masks, count, height, width);
                    var masked = addcmul(replacement, difference, masks.unsqueeze(1), 1);
                    var embeddings = EmbedChecked(masked, count, embeddingSize);
                    health.Add(embeddings, done);
                    var scores = Options.Similarity.Score(reference, embeddings);
                    estimator.Accumulate(masks, scores);
                }
                batches.Add((done, count));
                done += count;
                bool checkDue = schedule.IsCheckDue(done);
                if (checkDue || ++batchesSinceCheck == HealthCheckBatches || done == total)
                {
                    health.ThrowIfNotFinite(Embedder, batches);
                    batchesSinceCheck = 0;
                }
                bool stop = checkDue && schedule.Check(done, estimator.SplitHalfCorrelation);
                progress?.Report(new RelaxProgress(done, total, clock.Elapsed, schedule.Estimated));
                if (stop)
                {
                    break;
                }
            }
            schedule.Finish(estimator.SplitHalfCorrelation);

            var warnings = new List<string>();
            if (reference.abs().max().item<float>() == 0)
            {
                warnings.Add($"The embedder {Embedder.GetType().Name} maps the unmasked input to the zero vector: its similarity to every masked input is 0, so the maps carry no information.");
            }
            else if (health.ZeroEmbeddings is var zero and > 0)
            {
                warnings.Add($"{zero} of {done} masked inputs embedded to the zero vector; their similarity counts as 0.");
            }
            using var maps = estimator.Estimate();
            clock.Stop();
            return new RelaxResult(
                TensorArrays.ToArray2D(maps.Saliency),
                TensorArrays.ToArray2D(maps.Uncertainty),
                TensorArrays.ToArray2D(maps.MaskWeight),
                done, total, schedule.StoppedEarly, schedule.Estimated, clock.Elapsed, estimator.Normalization, Masks.Name, warnings);
        }
    }

    /// <summary>Batches between two reads of the embeddings' health when no convergence check comes sooner: a broken
    /// model is reported after at most this many batches, and a GPU is kept waiting at most once per this many.</summary>
    internal const int HealthCheckBatches = 16;

    private Tensor EmbedChecked(Tensor batch, long count, long embeddingSize)
    {
        var embeddings = Embedder.Embed(batch);
        if (embeddings is null || embeddings.dim() != 2 || embeddings.shape[0] != count || (embeddingSize > 0 && embeddings.shape[1] != embeddingSize))
        {
            var got = embeddings is null ? "null" : $"({string.Join(", ", embeddings.shape)})";
            var expected = embeddingSize > 0 ? $"({count}, {embeddingSize})" : $"({count}, D)";
            throw new InvalidOperationException($"The embedder {Embedder.GetType().Name} returned {got} for a batch of {count}; expected {expected}.");
        }
        return embeddings.to(ScalarType.Float32);
    }

    private void CheckMasks(Tensor masks, int count, int height, int width)
    {
        if (masks.dim() != 3 || masks.shape[0] != count || masks.shape[1] != height || masks.shape[2] != width)
        {
            throw new InvalidOperationException($"The mask generator {Masks.Name} returned shape ({string.Join(", ", masks.shape)}); expected ({count}, {height}, {width}).");
        }
    }
}
