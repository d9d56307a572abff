using Relax.Classification;
using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>
/// Pixel flipping (Samek et al., 2017) for representation models: cells are removed in order of an attribution map
/// (most relevant first, least relevant first, or at random) in steps of a fraction of the input, and each step is
/// scored by the similarity of its embedding to the unmasked one (<see cref="PixelFlippingOptions.Similarity"/>, cosine
/// by default) and, with a classifier head, by the class
/// probability and prediction. All steps of a curve are built as masks on the model's device at once and embedded
/// in batches: a curve of K points costs ⌈K / batch⌉ forward passes plus one for the unmasked input.
/// </summary>
public sealed class PixelFlipping
{
    private readonly IEmbedder _embedder;
    private readonly IEmbeddingClassifier? _classifier;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="embedder">The model.</param>
    /// <param name="options">Steps, replacement, batch size and seed; defaults when null.</param>
    /// <param name="classifier">An optional classifier on embeddings, for probability and accuracy curves.</param>
    public PixelFlipping(IEmbedder embedder, PixelFlippingOptions? options = null, IEmbeddingClassifier? classifier = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? new PixelFlippingOptions();
        _classifier = classifier;
    }

    /// <summary>The settings.</summary>
    public PixelFlippingOptions Options { get; }

    /// <summary>Removed fractions at each curve point: 0, step, 2·step, …, 1.</summary>
    public double[] Fractions()
    {
        int steps = (int)Math.Ceiling(1 / Options.StepFraction - 1e-9);
        return Enumerable.Range(0, steps + 1).Select(k => Math.Min(1.0, k * Options.StepFraction)).ToArray();
    }

    /// <summary>Evaluates one curve.</summary>
    /// <param name="input">The input, (H, W), (1, H, W) or (1, 1, H, W).</param>
    /// <param name="attribution">Relevance per cell, (H, W); ignored for <see cref="FlipOrder.Random"/>.</param>
    /// <param name="order">Removal order.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public FlipCurve Evaluate(Tensor input, float[,] attribution, FlipOrder order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = InputShape.Prepare(input, _embedder.Device, out int height, out int width);
        if (attribution.GetLength(0) != height || attribution.GetLength(1) != width)
        {
            throw new ArgumentException($"The attribution map is {attribution.GetLength(0)} × {attribution.GetLength(1)} but the input is {height} × {width}.", nameof(attribution));
        }
        if (!Enum.IsDefined(order))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Unknown order.");
        }

        var fractions = Fractions();
        int cells = height * width;
        var rank = RemovalRank(attribution, order, cells);               // position of each cell in the removal order
        var removed = fractions.Select(f => (long)Math.Round(f * cells)).ToArray();
        var rankTensor = tensor(rank, new long[] { 1, cells }, device: x.device);
        var removedTensor = tensor(removed, new long[] { removed.Length, 1 }, device: x.device);
        var keep = (rankTensor >= removedTensor).to(ScalarType.Float32).reshape(removed.Length, 1, height, width);

        var replacement = Options.Replacement.Compute(x).to(ScalarType.Float32, x.device);
        var difference = x - replacement;
        var reference = _embedder.Embed(x).to(ScalarType.Float32);
        var scores = new List<Tensor>();          // similarities per batch, on the model's device: read once, at the end
        var probabilities = new List<Tensor>();   // class probabilities per batch, likewise
        for (int start = 0; start < fractions.Length; start += Options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            int count = Math.Min(Options.BatchSize, fractions.Length - start);
            var masked = addcmul(replacement, difference, keep[start..(start + count)], 1);
            var e = _embedder.Embed(masked).to(ScalarType.Float32);
            scores.Add(Options.Similarity.Score(reference, e).to(ScalarType.Float64).MoveToOuterDisposeScope());
            if (_classifier is not null)
            {
                probabilities.Add(_classifier.Probabilities(e).MoveToOuterDisposeScope());
            }
        }
        var similarity = cat(scores, 0).to(CPU).data<double>().ToArray();

        double[]? probability = null;
        int[]? predicted = null;
        if (_classifier is not null)
        {
            var p = cat(probabilities, 0);
            predicted = p.argmax(1).to(ScalarType.Int32, CPU).data<int>().ToArray();
            probability = p[.., predicted[0]].to(ScalarType.Float64, CPU).data<double>().ToArray();
        }
        return new FlipCurve(order, Options.Replacement.Name, fractions, similarity, probability, predicted);
    }

    private long[] RemovalRank(float[,] attribution, FlipOrder order, int cells)
    {
        var random = new Random(unchecked((int)Options.Seed ^ (int)(Options.Seed >> 32)));
        var tieBreak = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            tieBreak[i] = random.NextDouble();
        }
        int width = attribution.GetLength(1);
        var cellOrder = Enumerable.Range(0, cells).ToArray();
        Comparison<int> compare = order switch
        {
            FlipOrder.MostRelevantFirst => (a, b) => Relevance(b).CompareTo(Relevance(a)) is var c && c != 0 ? c : tieBreak[a].CompareTo(tieBreak[b]),
            FlipOrder.LeastRelevantFirst => (a, b) => Relevance(a).CompareTo(Relevance(b)) is var c && c != 0 ? c : tieBreak[a].CompareTo(tieBreak[b]),
            _ => (a, b) => tieBreak[a].CompareTo(tieBreak[b]),
        };
        Array.Sort(cellOrder, compare);
        var rank = new long[cells];
        for (int position = 0; position < cells; position++)
        {
            rank[cellOrder[position]] = position;
        }
        return rank;

        float Relevance(int cell)
        {
            float v = attribution[cell / width, cell % width];
            return float.IsNaN(v) ? float.NegativeInfinity : v;
        }
    }
}
