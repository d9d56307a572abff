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

    /// <summary>Saliency R, shape (H, W): how similar the representation stays when a cell is kept.</summary>
    public float[,] Saliency { get; }

    /// <summary>Uncertainty U, shape (H, W): the variance of that similarity.</summary>
    public float[,] Uncertainty { get; }

    /// <summary>Total mask weight per cell, Σₙ Mᵢⱼ(n), shape (H, W): the evidence behind each cell. Cells with
    /// weight 0 were never kept; their saliency and uncertainty are reported as 0.</summary>
    public float[,] MaskWeight { get; }

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

    /// <summary>Writes <c>saliency.npy</c>, <c>uncertainty.npy</c>, <c>mask-weight.npy</c> and the CSV versions of the
    /// first two into <paramref name="directory"/> (created if missing); each file is written atomically.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        NpyFile.Write(Path.Combine(directory, "saliency.npy"), Saliency);
        NpyFile.Write(Path.Combine(directory, "uncertainty.npy"), Uncertainty);
        NpyFile.Write(Path.Combine(directory, "mask-weight.npy"), MaskWeight);
        CsvMap.Write(Path.Combine(directory, "saliency.csv"), Saliency);
        CsvMap.Write(Path.Combine(directory, "uncertainty.csv"), Uncertainty);
    }
}
