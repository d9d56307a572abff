using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>
/// Smooth random masks as in RISE and RELAX: a coarse grid of Bernoulli(p) cells is upsampled bilinearly
/// to (grid + 1) × cell size, shifted by a random offset of up to one cell, and cropped to the input, so that
/// masks are continuous in [0, 1] and their edges fall anywhere.
/// </summary>
public sealed class RandomGridMasks : IMaskGenerator
{
    /// <summary>Creates a generator with a square grid.</summary>
    /// <param name="cells">Grid cells per axis (the reference uses 7 or 8 on 224 × 224 images).</param>
    /// <param name="keepProbability">Probability that a grid cell is kept, strictly between 0 and 1.</param>
    public RandomGridMasks(int cells = 8, double keepProbability = 0.5)
        : this(cells, cells, keepProbability)
    {
    }

    /// <summary>Creates a generator with a rectangular grid.</summary>
    /// <param name="rows">Grid cells along the input's rows (time).</param>
    /// <param name="columns">Grid cells along the input's columns (frequency).</param>
    /// <param name="keepProbability">Probability that a grid cell is kept, strictly between 0 and 1.</param>
    public RandomGridMasks(int rows, int columns, double keepProbability)
    {
        Rows = MaskArguments.Positive(rows, nameof(rows));
        Columns = MaskArguments.Positive(columns, nameof(columns));
        KeepProbability = MaskArguments.Probability(keepProbability, nameof(keepProbability));
    }

    /// <summary>Grid cells along the rows.</summary>
    public int Rows { get; }

    /// <summary>Grid cells along the columns.</summary>
    public int Columns { get; }

    /// <summary>Probability that a grid cell is kept.</summary>
    public double KeepProbability { get; }

    /// <inheritdoc />
    public string Name => "random-grid";

    /// <inheritdoc />
    public Tensor Generate(int count, int height, int width, Generator generator, Device device)
    {
        MaskArguments.Request(count, height, width, generator, device);
        MaskArguments.FitsAxis(nameof(RandomGridMasks), "a grid", Rows, "height", height);
        MaskArguments.FitsAxis(nameof(RandomGridMasks), "a grid", Columns, "width", width);

        using var scope = NewDisposeScope();
        long cellHeight = (height + Rows - 1) / Rows;
        long cellWidth = (width + Columns - 1) / Columns;
        long upHeight = (Rows + 1) * cellHeight;
        long upWidth = (Columns + 1) * cellWidth;

        var grid = (rand(new long[] { count, 1, Rows, Columns }, generator: generator, device: device) < KeepProbability)
            .to(ScalarType.Float32);
        var smooth = nn.functional.interpolate(grid, size: new[] { upHeight, upWidth }, mode: InterpolationMode.Bilinear, align_corners: false)
            .squeeze(1);

        var rowShift = randint(0, cellHeight, new long[] { count, 1 }, generator: generator, device: device);
        var columnShift = randint(0, cellWidth, new long[] { count, 1 }, generator: generator, device: device);
        var rowIndex = (rowShift + arange(height, device: device).unsqueeze(0)).unsqueeze(2).expand(count, height, upWidth);
        var columnIndex = (columnShift + arange(width, device: device).unsqueeze(0)).unsqueeze(1).expand(count, height, width);
        // Bilinear weights can overshoot 1 by an ulp; masks promise [0, 1].
        return smooth.gather(1, rowIndex).gather(2, columnIndex).clamp_(0, 1).MoveToOuterDisposeScope();
    }
}
