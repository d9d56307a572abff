using Relax.IO;
using Relax.Runs;
using SkiaSharp;

namespace Relax.Plots;

/// <summary>
/// Figures of a corpus run (<see cref="CorpusSummary"/>), like the study's figures 4 and 7–10: per mask kind, a grid
/// with one row per class and the class's mean log-mel, mean standardised saliency and mean standardised uncertainty
/// as columns; one grid of saliency across mask kinds (rows classes, columns kinds); and small thumbnails of single maps.
/// </summary>
public static class CorpusFigures
{
    /// <summary>The class grid of one mask kind, relative to the corpus folder.</summary>
    public static string ClassGridFile(string maskKind) => $"figures/classes-{maskKind}.png";

    /// <summary>The grid of saliency across mask kinds, relative to the corpus folder.</summary>
    public const string SaliencyByMaskFile = "figures/saliency-by-mask.png";

    /// <summary>Writes every grid of <paramref name="summary"/> under <paramref name="outputDirectory"/> and returns
    /// their paths relative to it (none when nothing was explained).</summary>
    public static IReadOnlyList<string> SaveClassGrids(CorpusSummary summary, string outputDirectory, SpectrogramAxes axes)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(axes);
        var written = new List<string>();
        var style = new MapGridStyle { Columns = 3, PanelWidth = 460, PanelHeight = 300 };
        foreach (var kind in summary.MaskKinds)
        {
            var classes = summary.ClassMaps.Where(c => c.MaskKind == kind).ToList();
            if (classes.Count == 0)
            {
                continue;
            }
            var panels = classes.SelectMany(c => new[]
            {
                new MapPanel($"{c.Label} (n = {c.Examples}) · mean {axes.InputName}", c.LogMel, axes.InputUnit, HeatmapColors.Magma),
                new MapPanel($"{c.Label} · saliency", c.Saliency, "z", HeatmapColors.Viridis),
                new MapPanel($"{c.Label} · uncertainty", c.Uncertainty, "z", HeatmapColors.Inferno),
            }).ToList();
            Save(ClassGridFile(kind), panels, style with { Title = $"Class averages · {kind} masks (standardised maps)" });
        }
        var kinds = summary.MaskKinds.Where(k => summary.ClassMaps.Any(c => c.MaskKind == k)).ToList();
        if (kinds.Count > 0)
        {
            var shape = summary.ClassMaps[0].Saliency;
            var panels = summary.Labels.SelectMany(label => kinds.Select(kind =>
                summary.ClassMaps.FirstOrDefault(c => c.MaskKind == kind && c.Label == label) is { } c
                    ? new MapPanel($"{label} · {kind}", c.Saliency, "z", HeatmapColors.Viridis)
                    : new MapPanel($"{label} · {kind} (none)", new float[shape.GetLength(0), shape.GetLength(1)], "z", HeatmapColors.Viridis))).ToList();
            Save(SaliencyByMaskFile, panels, style with { Columns = kinds.Count, Title = "Mean standardised saliency · classes × mask kinds" });
        }
        return written;

        void Save(string relative, IReadOnlyList<MapPanel> panels, MapGridStyle gridStyle)
        {
            MapGridFigure.Save(Path.Combine(outputDirectory, relative), panels, axes, gridStyle);
            written.Add(relative);
        }
    }

    /// <summary>A small picture of a map without axes (each cell <paramref name="scale"/> pixels, time to the right,
    /// frequency up), for tables of many examples.</summary>
    /// <exception cref="ArgumentException">An empty map or a non-finite value.</exception>
    public static byte[] Thumbnail(float[,] map, HeatmapColors colors = HeatmapColors.Viridis, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 16);
        int frames = map.GetLength(0), bands = map.GetLength(1);
        if (frames == 0 || bands == 0)
        {
            throw new ArgumentException("The map is empty.", nameof(map));
        }
        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in map)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("The map has a non-finite value.", nameof(map));
            }
            (min, max) = (Math.Min(min, v), Math.Max(max, v));
        }
        ScottPlot.IColormap colormap = colors switch
        {
            HeatmapColors.Magma => new ScottPlot.Colormaps.Magma(),
            HeatmapColors.Inferno => new ScottPlot.Colormaps.Inferno(),
            HeatmapColors.Grayscale => new ScottPlot.Colormaps.Grayscale(),
            _ => new ScottPlot.Colormaps.Viridis(),
        };
        using var bitmap = new SKBitmap(frames * scale, bands * scale);
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < bands; f++)
            {
                var c = colormap.GetColor(max > min ? (map[t, f] - min) / (max - min) : 0.5);
                var colour = new SKColor(c.R, c.G, c.B);
                for (int dx = 0; dx < scale; dx++)
                {
                    for (int dy = 0; dy < scale; dy++)
                    {
                        bitmap.SetPixel(t * scale + dx, (bands - 1 - f) * scale + dy, colour);
                    }
                }
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Writes <see cref="Thumbnail"/> to a file atomically.</summary>
    public static void SaveThumbnail(string path, float[,] map, HeatmapColors colors = HeatmapColors.Viridis, int scale = 2)
    {
        var png = Thumbnail(map, colors, scale);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
