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
    /// <remarks>The bilinear upsampling is computed so that every device gives the same bits: each output cell is the
    /// sum, in one fixed order, of its four grid corners (0 or 1) times their weights, and each weight is one rounded
    /// product of a row and a column weight, so every term is exact and only the three additions round.</remarks>
    public Tensor Generate(MaskBatch batch, int height, int width, Device device)
    {
        MaskArguments.Request(height, width, device);
        MaskArguments.FitsAxis(nameof(RandomGridMasks), "a grid", Rows, "height", height);
        MaskArguments.FitsAxis(nameof(RandomGridMasks), "a grid", Columns, "width", width);

        int count = batch.Count;
        int cellHeight = (height + Rows - 1) / Rows;
        int cellWidth = (width + Columns - 1) / Columns;
        var grid = new byte[count * Rows * Columns];
        var shifts = new long[count * 2];
        Span<double> shift = stackalloc double[2];
        for (int m = 0; m < count; m++)
        {
            batch.Bernoulli(m, MaskStreams.Grid, KeepProbability, grid.AsSpan(m * Rows * Columns, Rows * Columns));
            batch.Uniform(m, MaskStreams.GridShift, shift);
            shifts[2 * m] = Bands.Pick(shift[0], cellHeight);
            shifts[2 * m + 1] = Bands.Pick(shift[1], cellWidth);
        }

        using var scope = NewDisposeScope();
        var cells = HostUpload.ToDevice(grid, [count, Rows, Columns], device).to(ScalarType.Float32);
        var offsets = HostUpload.ToDevice(shifts, [count, 2], device);
        var rows = Axis.Create(Rows, cellHeight, height, offsets[.., 0..1], device);       // (count, height)
        var columns = Axis.Create(Columns, cellWidth, width, offsets[.., 1..2], device);   // (count, width)
        var lowRows = cells.gather(1, rows.Low.unsqueeze(2).expand(count, height, Columns));
        var highRows = cells.gather(1, rows.High.unsqueeze(2).expand(count, height, Columns));
        var lowColumns = columns.Low.unsqueeze(1).expand(count, height, width);
        var highColumns = columns.High.unsqueeze(1).expand(count, height, width);
        var (rowLow, rowHigh) = (rows.LowWeight.unsqueeze(2), rows.HighWeight.unsqueeze(2));
        var (columnLow, columnHigh) = (columns.LowWeight.unsqueeze(1), columns.HighWeight.unsqueeze(1));
        var mask = lowRows.gather(2, lowColumns) * (rowLow * columnLow);
        mask = mask + lowRows.gather(2, highColumns) * (rowLow * columnHigh);
        mask = mask + highRows.gather(2, lowColumns) * (rowHigh * columnLow);
        mask = mask + highRows.gather(2, highColumns) * (rowHigh * columnHigh);
        // The weights of a cell can sum to an ulp above 1; masks promise [0, 1].
        return mask.clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>One axis of the upsampling: for each output position of each mask, the two grid lines it lies between
    /// and their weights. The grid of <c>cells</c> lines is stretched bilinearly (half-pixel centres, as
    /// <c>align_corners=false</c>) over (cells + 1) × cellSize positions, and the mask reads <c>length</c> of them from
    /// its shift on.</summary>
    private sealed record Axis(Tensor Low, Tensor High, Tensor LowWeight, Tensor HighWeight)
    {
        public static Axis Create(int cells, int cellSize, int length, Tensor shift, Device device)
        {
            int stretched = (cells + 1) * cellSize;
            var low = new long[stretched];
            var high = new long[stretched];
            var lowWeight = new float[stretched];
            var highWeight = new float[stretched];
            double scale = (double)cells / stretched;
            for (int y = 0; y < stretched; y++)
            {
                double source = Math.Max(0, (y + 0.5) * scale - 0.5);
                int below = Math.Min((int)source, cells - 1);
                low[y] = below;
                high[y] = Math.Min(below + 1, cells - 1);
                highWeight[y] = (float)(source - below);
                lowWeight[y] = (float)(1 - (source - below));
            }
            var position = shift + arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(0); // (count, length)
            long[] shape = [stretched];
            return new Axis(
                HostUpload.ToDevice(low, shape, device).take(position),
                HostUpload.ToDevice(high, shape, device).take(position),
                HostUpload.ToDevice(lowWeight, shape, device).take(position),
                HostUpload.ToDevice(highWeight, shape, device).take(position));
        }
    }
}
