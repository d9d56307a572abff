namespace Relax.Masks;

/// <summary>The streams of a mask (<see cref="MaskBatch.Uniform"/>) that the built-in generators draw from, one per
/// purpose. Part of <see cref="MaskBatch.StreamVersion"/>: changing one changes every mask.</summary>
internal static class MaskStreams
{
    /// <summary>Time bands: offset, then one keep per band.</summary>
    public const uint Time = 0;

    /// <summary>Frequency bands: offset, then one keep per band.</summary>
    public const uint Frequency = 1;

    /// <summary>Pixel masks: one keep per cell, row by row.</summary>
    public const uint Pixel = 2;

    /// <summary>Random grids: one keep per grid cell, row by row.</summary>
    public const uint Grid = 3;

    /// <summary>Random grids: the row shift, then the column shift.</summary>
    public const uint GridShift = 4;
}
