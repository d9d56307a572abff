using Relax.Similarity;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// Sliding-window occlusion: every window position is replaced (with the mean by default), and the drop in similarity
/// to the unmasked embedding (cosine by default, or any <see cref="ISimilarity"/>), 1 − s, is credited to the cells under the window. A cell's relevance is the
/// mean drop over the windows that cover it (0 if none does). Windows run in batches.
/// </summary>
public sealed class OcclusionAttribution : IAttributionMethod
{
    private readonly IEmbedder _embedder;

    /// <summary>Creates the method.</summary>
    /// <param name="embedder">The model.</param>
    /// <param name="windowHeight">Window rows (frames), ≥ 1.</param>
    /// <param name="windowWidth">Window columns (bands), ≥ 1.</param>
    /// <param name="strideRows">Step between window rows, ≥ 1.</param>
    /// <param name="strideColumns">Step between window columns, ≥ 1.</param>
    /// <param name="replacement">What occluded cells become; default the input's mean.</param>
    /// <param name="batchSize">Windows per forward pass, ≥ 1.</param>
    /// <param name="similarity">How embeddings are compared; default cosine, as RELAX.</param>
    public OcclusionAttribution(IEmbedder embedder, int windowHeight, int windowWidth, int strideRows = 1, int strideColumns = 1,
        MaskReplacement? replacement = null, int batchSize = 64, ISimilarity? similarity = null)
    {
        Similarity = similarity ?? CosineSimilarity.Instance;
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        WindowHeight = windowHeight >= 1 ? windowHeight : throw new ArgumentOutOfRangeException(nameof(windowHeight), windowHeight, "Must be at least 1.");
        WindowWidth = windowWidth >= 1 ? windowWidth : throw new ArgumentOutOfRangeException(nameof(windowWidth), windowWidth, "Must be at least 1.");
        StrideRows = strideRows >= 1 ? strideRows : throw new ArgumentOutOfRangeException(nameof(strideRows), strideRows, "Must be at least 1.");
        StrideColumns = strideColumns >= 1 ? strideColumns : throw new ArgumentOutOfRangeException(nameof(strideColumns), strideColumns, "Must be at least 1.");
        Replacement = replacement ?? MaskReplacement.Mean;
        BatchSize = batchSize >= 1 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Must be at least 1.");
    }

    /// <summary>Window rows.</summary>
    public int WindowHeight { get; }

    /// <summary>Window columns.</summary>
    public int WindowWidth { get; }

    /// <summary>Row stride.</summary>
    public int StrideRows { get; }

    /// <summary>Column stride.</summary>
    public int StrideColumns { get; }

    /// <summary>Replacement of occluded cells.</summary>
    public MaskReplacement Replacement { get; }

    /// <summary>How embeddings are compared.</summary>
    public ISimilarity Similarity { get; }

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public string Name => "occlusion";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default)
    {
        var (drops, rows, columns, height, width) = ScoreWindowsCore(input, cancellationToken);
        var sum = new double[height, width];
        var count = new int[height, width];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int top = r * StrideRows, left = c * StrideColumns;
                for (int i = top; i < top + WindowHeight; i++)
                {
                    for (int j = left; j < left + WindowWidth; j++)
                    {
                        sum[i, j] += drops[r, c];
                        count[i, j]++;
                    }
                }
            }
        }
        var map = new float[height, width];
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                map[i, j] = count[i, j] > 0 ? (float)(sum[i, j] / count[i, j]) : 0f;
            }
        }
        return map;
    }

    /// <summary>The similarity drop 1 − s of every window position, indexed [row step, column step]; window (r, c)
    /// covers rows r·strideRows … + windowHeight − 1 and columns c·strideColumns … + windowWidth − 1.</summary>
    public double[,] ScoreWindows(Tensor input, CancellationToken cancellationToken = default) => ScoreWindowsCore(input, cancellationToken).Drops;

    private (double[,] Drops, int Rows, int Columns, int Height, int Width) ScoreWindowsCore(Tensor input, CancellationToken cancellationToken)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = InputShape.Prepare(input, _embedder.Device, out int height, out int width);
        if (WindowHeight > height || WindowWidth > width)
        {
            throw new ArgumentException($"The occlusion window {WindowHeight} × {WindowWidth} is larger than the input {height} × {width}.", nameof(input));
        }
        int rows = (height - WindowHeight) / StrideRows + 1, columns = (width - WindowWidth) / StrideColumns + 1;
        var replacement = Replacement.Compute(x).to(ScalarType.Float32, x.device);
        var reference = _embedder.Embed(x).to(ScalarType.Float32);
        int total = rows * columns;
        // Window k's top-left cell, on the device: its keep mask is built there in a few operations per batch, and the
        // scores of every batch are read back once, at the end.
        var top = (arange(total, dtype: ScalarType.Int64, device: x.device).div(columns, rounding_mode: RoundingMode.floor) * StrideRows).view(-1, 1, 1);
        var left = (arange(total, dtype: ScalarType.Int64, device: x.device).remainder(columns) * StrideColumns).view(-1, 1, 1);
        var row = arange(height, dtype: ScalarType.Int64, device: x.device).view(1, -1, 1);
        var column = arange(width, dtype: ScalarType.Int64, device: x.device).view(1, 1, -1);
        var scores = new List<Tensor>();
        for (int start = 0; start < total; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            int count = Math.Min(BatchSize, total - start);
            var (t, l) = (top[start..(start + count)], left[start..(start + count)]);
            var inside = (row >= t).logical_and(row < t + WindowHeight).logical_and(column >= l).logical_and(column < l + WindowWidth);
            var keep = inside.logical_not().to(ScalarType.Float32).unsqueeze(1);
            var masked = replacement + (x - replacement) * keep;
            scores.Add(Similarity.Score(reference, _embedder.Embed(masked).to(ScalarType.Float32)).to(ScalarType.Float64).MoveToOuterDisposeScope());
        }
        var values = cat(scores, 0).to(CPU).data<double>().ToArray();
        var drops = new double[rows, columns];
        for (int k = 0; k < total; k++)
        {
            drops[k / columns, k % columns] = 1 - values[k];
        }
        return (drops, rows, columns, height, width);
    }
}
