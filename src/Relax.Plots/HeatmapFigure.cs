using Relax.IO;
using ScottPlot;

namespace Relax.Plots;

/// <summary>
/// Renders a (frames × bands) map (a log-mel spectrogram, a saliency or an uncertainty map) as a PNG heatmap:
/// time in seconds along x, frequency up the y axis (mel band index, with Hz labels when the band centres are known),
/// a colour bar and a title.
/// </summary>
public static class HeatmapFigure
{
    /// <summary>Renders the map to PNG bytes.</summary>
    /// <param name="map">Values [frame, band]; must be finite.</param>
    /// <param name="axes">Time and frequency of the cells.</param>
    /// <param name="style">Title, labels, colours and size.</param>
    public static byte[] Render(float[,] map, SpectrogramAxes axes, HeatmapStyle style)
    {
        using var plot = Build(map, axes, style);
        return plot.GetImageBytes(style.Width, style.Height, ImageFormat.Png);
    }

    /// <summary>The heatmap as a plot (the caller disposes it).</summary>
    internal static Plot Build(float[,] map, SpectrogramAxes axes, HeatmapStyle style)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(style);
        int frames = map.GetLength(0), bands = map.GetLength(1);
        if (frames == 0 || bands == 0)
        {
            throw new ArgumentException("The map is empty.", nameof(map));
        }
        if (axes.BandCentresHz is { } centres && centres.Count != bands)
        {
            throw new ArgumentException($"The axes describe {centres.Count} bands but the map has {bands}.", nameof(axes));
        }

        // ScottPlot draws row 0 at the top; put the lowest band at the bottom.
        var data = new double[bands, frames];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < bands; f++)
            {
                float v = map[t, f];
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException($"The map has a non-finite value at frame {t}, band {f}.", nameof(map));
                }
                data[bands - 1 - f, t] = v;
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = style.Colors switch
        {
            HeatmapColors.Magma => new ScottPlot.Colormaps.Magma(),
            HeatmapColors.Inferno => new ScottPlot.Colormaps.Inferno(),
            HeatmapColors.Grayscale => new ScottPlot.Colormaps.Grayscale(),
            _ => new ScottPlot.Colormaps.Viridis(),
        };
        double start = axes.StartSeconds, end = axes.StartSeconds + frames * axes.FrameSeconds;
        heatmap.Extent = new CoordinateRect(start, end, 0, bands);

        plot.Add.ColorBar(heatmap);

        // ScottPlot draws a colour-bar label over the bar's tick labels; the unit goes into the title instead.
        plot.Title(string.IsNullOrWhiteSpace(style.ColorBarLabel) ? style.Title : $"{style.Title} ({style.ColorBarLabel})");
        plot.XLabel("Time (s)");
        plot.Axes.SetLimits(start, end, 0, bands);
        if (axes.BandCentresHz is { } hz)
        {
            plot.YLabel(axes.FrequencyLabel);
            var ticks = new List<Tick>();
            int step = Math.Max(1, bands / 8);
            for (int f = 0; f < bands; f += step)
            {
                ticks.Add(new Tick(f + 0.5, FormatHz(hz[f])));
            }
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        }
        else
        {
            plot.YLabel("Mel band");
        }
        return plot;
    }

    /// <summary>Renders the map and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, float[,] map, SpectrogramAxes axes, HeatmapStyle style)
    {
        var png = Render(map, axes, style);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    private static string FormatHz(double hz) =>
        hz >= 1000 ? FormattableString.Invariant($"{hz / 1000:0.#} k") : FormattableString.Invariant($"{hz:0}");
}
