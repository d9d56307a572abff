using Relax.IO;

namespace Relax;

/// <summary>The outcome of a RELAX run: saliency and uncertainty maps and how they were obtained.</summary>
public sealed class RelaxResult
{
    internal RelaxResult(float[,] saliency, float[,] uncertainty, float[,] maskWeight, int masksUsed, int masksRequested,
        bool stoppedEarly, double estimatedCorrelation, TimeSpan elapsed, SaliencyNormalization normalization, string maskGenerator,
        IReadOnlyList<string> warnings)
    {
        Warnings = warnings;
        Saliency = saliency;
        Uncertainty = uncertainty;
        MaskWeight = maskWeight;
        MasksUsed = masksUsed;
        MasksRequested = masksRequested;
        StoppedEarly = stoppedEarly;
        EstimatedCorrelation = estimatedCorrelation;
        Elapsed = elapsed;
        Normalization = normalization;
        MaskGenerator = maskGenerator;
    }

    /// <summary>Rebuilds a result from its parts, for hosts that move results between processes (a cluster's workers
    /// send the maps, its client writes them); everything derived (<see cref="URelax"/>) is recomputed.</summary>
    /// <exception cref="ArgumentException">The maps differ in shape or are empty, or a count is negative.</exception>
    public static RelaxResult Restore(float[,] saliency, float[,] uncertainty, float[,] maskWeight, int masksUsed, int masksRequested,
        bool stoppedEarly, double estimatedCorrelation, TimeSpan elapsed, SaliencyNormalization normalization, string maskGenerator,
        IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        ArgumentNullException.ThrowIfNull(uncertainty);
        ArgumentNullException.ThrowIfNull(maskWeight);
        ArgumentNullException.ThrowIfNull(maskGenerator);
        ArgumentNullException.ThrowIfNull(warnings);
        int h = saliency.GetLength(0), w = saliency.GetLength(1);
        if (h == 0 || w == 0 || uncertainty.GetLength(0) != h || uncertainty.GetLength(1) != w || maskWeight.GetLength(0) != h || maskWeight.GetLength(1) != w)
        {
            throw new ArgumentException($"Saliency, uncertainty and mask weight must share one non-empty shape; got ({h}, {w}), ({uncertainty.GetLength(0)}, {uncertainty.GetLength(1)}), ({maskWeight.GetLength(0)}, {maskWeight.GetLength(1)}).", nameof(saliency));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(masksUsed);
        ArgumentOutOfRangeException.ThrowIfNegative(masksRequested);
        return new RelaxResult(saliency, uncertainty, maskWeight, masksUsed, masksRequested, stoppedEarly, estimatedCorrelation, elapsed,
            normalization, maskGenerator, warnings.ToArray());
    }

    /// <summary>Saliency R, shape (H, W): how similar the representation stays when a cell is kept.</summary>
    public float[,] Saliency { get; }

    /// <summary>Uncertainty U, shape (H, W): the variance of that similarity.</summary>
    public float[,] Uncertainty { get; }

    /// <summary>Total mask weight per cell, Σₙ Mᵢⱼ(n), shape (H, W): the evidence behind each cell. Cells with
    /// weight 0 were never kept; their saliency and uncertainty are reported as 0.</summary>
    public float[,] MaskWeight { get; }

    /// <summary>
    /// U-RELAX, the RELAX reference code's certainty-filtered saliency (<c>RELAX.u_relax</c>): the saliency where the
    /// uncertainty is at most its median over the cells, zero elsewhere — what the explanation says with the most
    /// confidence. The uncertainty compared is the reference code's: its running sum Σₙ Mₙ (sₙ − R)², which is
    /// <see cref="Uncertainty"/> × <see cref="MaskWeight"/> with the mask-weight estimator; with the paper's 1/N
    /// estimator, <see cref="Uncertainty"/> itself. The median is the lower of the two middle values, as
    /// <c>torch.median</c>. Computed on first use.
    /// </summary>
    public float[,] URelax => _uRelax ??= CertaintyFiltered();

    private float[,]? _uRelax;

    private float[,] CertaintyFiltered()
    {
        int h = Height, w = Width;
        var spread = new double[h * w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                spread[i * w + j] = Normalization == SaliencyNormalization.MaskWeight ? (double)Uncertainty[i, j] * MaskWeight[i, j] : Uncertainty[i, j];
            }
        }
        var sorted = (double[])spread.Clone();
        Array.Sort(sorted);
        double median = sorted[(sorted.Length - 1) / 2];
        var map = new float[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                map[i, j] = spread[i * w + j] <= median ? Saliency[i, j] : 0f;
            }
        }
        return map;
    }

    /// <summary>Rows (time frames) of the maps.</summary>
    public int Height => Saliency.GetLength(0);

    /// <summary>Columns (frequency bands) of the maps.</summary>
    public int Width => Saliency.GetLength(1);

    /// <summary>Masks actually drawn and embedded.</summary>
    public int MasksUsed { get; }

    /// <summary>Masks requested (the maximum, when early stopping was on).</summary>
    public int MasksRequested { get; }

    /// <summary>True when the convergence check stopped the run before <see cref="MasksRequested"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Estimated correlation of <see cref="Saliency"/> with the infinite-mask map, from the last split-half
    /// check (see <see cref="ConvergenceOptions"/>); NaN when no check ran.</summary>
    public double EstimatedCorrelation { get; }

    /// <summary>Wall-clock time of the run, including the unmasked embedding.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The normalization that produced the maps.</summary>
    public SaliencyNormalization Normalization { get; }

    /// <summary>Name of the mask generator used.</summary>
    public string MaskGenerator { get; }

    /// <summary>What a caller should know about how the maps came about (for example that the embedder mapped the input
    /// to the zero vector); empty when nothing is unusual.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Writes <c>saliency.npy</c>, <c>uncertainty.npy</c>, <c>mask-weight.npy</c>, <c>u-relax.npy</c>
    /// (<see cref="URelax"/>) and the CSV versions of the first two into <paramref name="directory"/> (created if
    /// missing); each file is written atomically.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        NpyFile.Write(Path.Combine(directory, "saliency.npy"), Saliency);
        NpyFile.Write(Path.Combine(directory, "uncertainty.npy"), Uncertainty);
        NpyFile.Write(Path.Combine(directory, "mask-weight.npy"), MaskWeight);
        NpyFile.Write(Path.Combine(directory, "u-relax.npy"), URelax);
        CsvMap.Write(Path.Combine(directory, "saliency.csv"), Saliency);
        CsvMap.Write(Path.Combine(directory, "uncertainty.csv"), Uncertainty);
    }
}
