using Relax.IO;
using ScottPlot;

namespace Relax.Plots;

/// <summary>One line of a curve figure.</summary>
/// <param name="Label">Legend text (for example "MoRF, mean replacement").</param>
/// <param name="X">X values, finite.</param>
/// <param name="Y">Y values, finite, as many as <paramref name="X"/>.</param>
public sealed record CurveSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    private readonly int? _color;

    /// <summary>Index into the figure's colour palette (Category10), so related lines can share a colour; null takes
    /// the next colour in order.</summary>
    public int? Color
    {
        get => _color;
        init => _color = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Color), value, "Use a palette index ≥ 0.");
    }

    /// <summary>The line's pattern. Default solid.</summary>
    public CurveDash Dash { get; init; }
}

/// <summary>Line patterns of curve figures.</summary>
public enum CurveDash
{
    /// <summary>A solid line.</summary>
    Solid,

    /// <summary>A dashed line.</summary>
    Dashed,

    /// <summary>A dotted line.</summary>
    Dotted,
}

/// <summary>Title, axis labels and size of a curve figure.</summary>
public sealed record CurveStyle
{
    /// <summary>Figure title.</summary>
    public string Title { get; init; } = "";

    /// <summary>X axis label.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Y axis label.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 500;
}

/// <summary>Line plots with a legend, for evaluation curves such as pixel flipping.</summary>
public static class CurveFigure
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>Renders the series to PNG bytes.</summary>
    public static byte[] Render(IReadOnlyList<CurveSeries> series, CurveStyle style)
    {
        Validate(series, style);
        using var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = s.X.Count <= 40 ? 5 : 0;
            line.LineWidth = 2;
            if (s.Color is { } color)
            {
                line.Color = Palette.GetColor(color);
            }
            line.LinePattern = s.Dash switch
            {
                CurveDash.Dashed => LinePattern.Dashed,
                CurveDash.Dotted => LinePattern.Dotted,
                _ => LinePattern.Solid,
            };
        }
        return Finish(plot, style, Alignment.LowerLeft);
    }

    /// <summary>Checks series and style: at least one series, each with as many finite x as y values, sizes in range.</summary>
    internal static void Validate(IReadOnlyList<CurveSeries> series, CurveStyle style)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(style);
        if (series.Count == 0)
        {
            throw new ArgumentException("Give at least one series.", nameof(series));
        }
        if (style.Width is < 100 or > 8000 || style.Height is < 100 or > 8000)
        {
            throw new ArgumentOutOfRangeException(nameof(style), "Figure sizes must be 100 to 8000 pixels.");
        }
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count || s.X.Count == 0)
            {
                throw new ArgumentException($"Series '{s.Label}' has {s.X.Count} x and {s.Y.Count} y values; it needs the same, non-zero number.", nameof(series));
            }
            if (s.X.Concat(s.Y).Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException($"Series '{s.Label}' has non-finite values.", nameof(series));
            }
        }
    }

    /// <summary>Title, axis labels and legend, then the PNG bytes.</summary>
    internal static byte[] Finish(Plot plot, CurveStyle style, Alignment legend)
    {
        plot.Title(style.Title);
        plot.XLabel(style.XLabel);
        plot.YLabel(style.YLabel);
        plot.ShowLegend(legend);
        return plot.GetImageBytes(style.Width, style.Height, ImageFormat.Png);
    }

    /// <summary>Renders the series and writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyList<CurveSeries> series, CurveStyle style)
    {
        var png = Render(series, style);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
