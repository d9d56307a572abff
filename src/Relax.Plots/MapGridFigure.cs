using Relax.IO;
using ScottPlot;
using SkiaSharp;

namespace Relax.Plots;

/// <summary>One panel of a map grid.</summary>
/// <param name="Title">The panel's title (for example the explainer's name).</param>
/// <param name="Map">Values [frame, band], finite; every panel of a grid has the same shape.</param>
/// <param name="ColorBarLabel">What the colours measure, shown after the title.</param>
/// <param name="Colors">The colour map.</param>
public sealed record MapPanel(string Title, float[,] Map, string ColorBarLabel = "", HeatmapColors Colors = HeatmapColors.Viridis);

/// <summary>Layout and size of a map grid.</summary>
public sealed record MapGridStyle
{
    private readonly int _columns = 3;
    private readonly int _panelWidth = 620;
    private readonly int _panelHeight = 400;

    /// <summary>The figure's title, above the panels.</summary>
    public string Title { get; init; } = "";

    /// <summary>Panels per row, 1 to 12 (fewer when there are fewer panels). Default 3.</summary>
    public int Columns
    {
        get => _columns;
        init => _columns = value is >= 1 and <= 12 ? value : throw new ArgumentOutOfRangeException(nameof(Columns), value, "Use 1 to 12 columns.");
    }

    /// <summary>Width of one panel in pixels, 200 to 4000.</summary>
    public int PanelWidth
    {
        get => _panelWidth;
        init => _panelWidth = value is >= 200 and <= 4000 ? value : throw new ArgumentOutOfRangeException(nameof(PanelWidth), value, "Use 200 to 4000 pixels.");
    }

    /// <summary>Height of one panel in pixels, 150 to 4000.</summary>
    public int PanelHeight
    {
        get => _panelHeight;
        init => _panelHeight = value is >= 150 and <= 4000 ? value : throw new ArgumentOutOfRangeException(nameof(PanelHeight), value, "Use 150 to 4000 pixels.");
    }
}

/// <summary>
/// Several maps of one input side by side (for example the input's log-mel and each explainer's map): every panel is
/// a <see cref="HeatmapFigure"/> with its own title and colour bar, on the same time and frequency axes, the same
/// size and the same limits, so that a cell sits at the same place in every panel.
/// </summary>
public static class MapGridFigure
{
    private const int TitleHeight = 44;

    /// <summary>Renders the grid to PNG bytes.</summary>
    /// <exception cref="ArgumentException">No panels, panels of different shapes, or non-finite values.</exception>
    public static byte[] Render(IReadOnlyList<MapPanel> panels, SpectrogramAxes axes, MapGridStyle style)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(style);
        if (panels.Count == 0 || panels.Any(p => p?.Map is null))
        {
            throw new ArgumentException("Give at least one panel, each with a map.", nameof(panels));
        }
        int frames = panels[0].Map.GetLength(0), bands = panels[0].Map.GetLength(1);
        var odd = panels.FirstOrDefault(p => p.Map.GetLength(0) != frames || p.Map.GetLength(1) != bands);
        if (odd is not null)
        {
            throw new ArgumentException($"Panel '{odd.Title}' is {odd.Map.GetLength(0)} × {odd.Map.GetLength(1)} but '{panels[0].Title}' is {frames} × {bands}; a grid shares its axes.", nameof(panels));
        }

        int columns = Math.Min(style.Columns, panels.Count), rows = (panels.Count + columns - 1) / columns;
        bool titled = !string.IsNullOrWhiteSpace(style.Title);
        int top = titled ? TitleHeight : 0;
        var info = new SKImageInfo(columns * style.PanelWidth, top + rows * style.PanelHeight);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        if (titled)
        {
            using var font = new SKFont(SKTypeface.Default, 22);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(style.Title, info.Width / 2f, TitleHeight - 14, SKTextAlign.Center, font, paint);
        }
        for (int k = 0; k < panels.Count; k++)
        {
            var panel = panels[k];
            var heatmapStyle = new HeatmapStyle { Title = panel.Title, ColorBarLabel = panel.ColorBarLabel, Colors = panel.Colors, Width = style.PanelWidth, Height = style.PanelHeight };
            using var plot = HeatmapFigure.Build(panel.Map, axes, heatmapStyle);
            // The same data area in every panel, whatever the width of each colour bar's tick labels: shared axes line up.
            plot.Layout.Fixed(new PixelPadding(left: 90, right: 120, bottom: 50, top: 36));
            var png = plot.GetImageBytes(style.PanelWidth, style.PanelHeight, ImageFormat.Png);
            using var bitmap = SKBitmap.Decode(png);
            canvas.DrawBitmap(bitmap, k % columns * style.PanelWidth, top + k / columns * style.PanelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders the grid and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyList<MapPanel> panels, SpectrogramAxes axes, MapGridStyle style)
    {
        var png = Render(panels, axes, style);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
