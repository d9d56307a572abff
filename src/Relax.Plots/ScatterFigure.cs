using Relax.IO;
using ScottPlot;

namespace Relax.Plots;

/// <summary>Scatter plots of point sets with a legend, one colour per set: for example a 2-D map of a latent space
/// coloured by class. Takes the same series and style records as <see cref="CurveFigure"/>; points are not joined.</summary>
public static class ScatterFigure
{
    /// <summary>Renders the point sets to PNG bytes.</summary>
    /// <param name="series">One set of points per legend entry (for example per class); finite coordinates.</param>
    /// <param name="style">Title, axis labels and size.</param>
    /// <exception cref="ArgumentException">No series, a series with mismatched or no coordinates, or non-finite values.</exception>
    public static byte[] Render(IReadOnlyList<CurveSeries> series, CurveStyle style)
    {
        CurveFigure.Validate(series, style);
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var points = plot.Add.ScatterPoints(s.X.ToArray(), s.Y.ToArray());
            points.LegendText = s.Label;
            points.Color = palette.GetColor(k);
            points.MarkerSize = 7;
        }
        return CurveFigure.Finish(plot, style, Alignment.UpperRight);
    }

    /// <summary>Renders the point sets and writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyList<CurveSeries> series, CurveStyle style)
    {
        var png = Render(series, style);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
