namespace Relax.Plots;

/// <summary>Title, labels, colours and size of a heatmap figure.</summary>
public sealed record HeatmapStyle
{
    private readonly int _width = 900;
    private readonly int _height = 520;

    /// <summary>Figure title.</summary>
    public string Title { get; init; } = "";

    /// <summary>What the colours measure (for example "log mel" or "R"); shown in the title, after it.</summary>
    public string ColorBarLabel { get; init; } = "";

    /// <summary>The colour map; default Viridis.</summary>
    public HeatmapColors Colors { get; init; } = HeatmapColors.Viridis;

    /// <summary>Width in pixels, 100 to 8000.</summary>
    public int Width
    {
        get => _width;
        init => _width = value is >= 100 and <= 8000 ? value : throw new ArgumentOutOfRangeException(nameof(Width), value, "Use 100 to 8000 pixels.");
    }

    /// <summary>Height in pixels, 100 to 8000.</summary>
    public int Height
    {
        get => _height;
        init => _height = value is >= 100 and <= 8000 ? value : throw new ArgumentOutOfRangeException(nameof(Height), value, "Use 100 to 8000 pixels.");
    }
}

/// <summary>Colour maps for heatmaps.</summary>
public enum HeatmapColors
{
    /// <summary>Perceptually uniform, colour-blind safe: the default for saliency.</summary>
    Viridis,

    /// <summary>Perceptually uniform, dark to bright: suits spectrograms.</summary>
    Magma,

    /// <summary>Perceptually uniform, good for uncertainty.</summary>
    Inferno,

    /// <summary>Grey scale.</summary>
    Grayscale,
}
