using Relax.Plots;
using SkiaSharp;

namespace Relax.Plots.Tests;

public class FigureTests
{
    private static float[,] LowBandsHot(int frames = 96, int bands = 64)
    {
        var map = new float[frames, bands];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < bands; f++)
            {
                map[t, f] = f < bands / 4 ? 1f : 0f;
            }
        }
        return map;
    }

    private static bool Near(SKColor c, int r, int g, int b) => Math.Abs(c.Red - r) + Math.Abs(c.Green - g) + Math.Abs(c.Blue - b) < 30;

    [Fact]
    public void Heatmap_decodes_as_a_png_of_the_requested_size_with_low_bands_at_the_bottom()
    {
        var png = HeatmapFigure.Render(LowBandsHot(), new SpectrogramAxes(), new HeatmapStyle { Title = "Saliency", Width = 600, Height = 400 });
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(600, bitmap.Width);
        Assert.Equal(400, bitmap.Height);

        // Viridis: 1 is yellow (253, 231, 37), 0 dark purple (68, 1, 84). Along a vertical line through the plot's
        // middle, the yellow run (low bands) must lie below the purple run.
        int x = 250;
        var column = Enumerable.Range(0, bitmap.Height).Select(y => bitmap.GetPixel(x, y)).ToArray();
        int firstYellow = Array.FindIndex(column, c => Near(c, 253, 231, 37));
        int lastPurple = Array.FindLastIndex(column, c => Near(c, 68, 1, 84));
        Assert.True(firstYellow > 0 && lastPurple > 0, "both colours appear");
        Assert.True(firstYellow > lastPurple, $"yellow (low bands) starts at y={firstYellow}, purple ends at y={lastPurple}");
        int yellowRows = column.Count(c => Near(c, 253, 231, 37)), purpleRows = column.Count(c => Near(c, 68, 1, 84));
        Assert.InRange(yellowRows / (double)(yellowRows + purpleRows), 0.2, 0.3); // a quarter of the bands
    }

    [Fact]
    public void Heatmap_with_band_centres_and_offsets_renders_and_saves_atomically()
    {
        var centres = Enumerable.Range(0, 64).Select(i => 125.0 * Math.Pow(60, i / 63.0)).ToArray();
        var dir = Path.Combine(Path.GetTempPath(), "relax-plots-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "s.png");
            HeatmapFigure.Save(path, LowBandsHot(), new SpectrogramAxes { FrameSeconds = 0.01, StartSeconds = 0.96, BandCentresHz = centres },
                new HeatmapStyle { Title = "Log-mel", ColorBarLabel = "log mel", Colors = HeatmapColors.Magma });
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal(900, bitmap.Width);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Bad_maps_and_settings_are_rejected_clearly()
    {
        var map = LowBandsHot(10, 8);
        map[3, 4] = float.NaN;
        Assert.Contains("frame 3, band 4", Assert.Throws<ArgumentException>(() => HeatmapFigure.Render(map, new SpectrogramAxes(), new HeatmapStyle())).Message);
        Assert.Throws<ArgumentException>(() => HeatmapFigure.Render(new float[0, 0], new SpectrogramAxes(), new HeatmapStyle()));
        Assert.Throws<ArgumentException>(() => HeatmapFigure.Render(LowBandsHot(10, 8), new SpectrogramAxes { BandCentresHz = new double[] { 1, 2, 3 } }, new HeatmapStyle()));
        Assert.Throws<ArgumentException>(() => new SpectrogramAxes { BandCentresHz = new double[] { 3, 2 } });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectrogramAxes { FrameSeconds = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapStyle { Width = 10 });
    }

    [Fact]
    public void Curves_render_with_a_legend_and_reject_mismatched_series()
    {
        var x = Enumerable.Range(0, 11).Select(i => i / 10.0).ToArray();
        var png = CurveFigure.Render(new[]
        {
            new CurveSeries("MoRF", x, x.Select(v => 1 - v).ToArray()),
            new CurveSeries("LeRF", x, x.Select(v => 1 - v * v).ToArray()),
        }, new CurveStyle { Title = "Pixel flipping", XLabel = "fraction removed", YLabel = "cosine similarity" });
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(800, bitmap.Width);
        Assert.Throws<ArgumentException>(() => CurveFigure.Render(new[] { new CurveSeries("bad", x, new double[] { 1 }) }, new CurveStyle()));
        Assert.Throws<ArgumentException>(() => CurveFigure.Render(Array.Empty<CurveSeries>(), new CurveStyle()));
    }
    [Fact]
    public void Scatter_draws_each_set_in_its_own_colour_and_rejects_bad_points()
    {
        var left = new CurveSeries("dog", new double[] { -2, -2.2, -1.8 }, new double[] { 0, 0.2, -0.2 });
        var right = new CurveSeries("bird", new double[] { 2, 2.2, 1.8 }, new double[] { 0, 0.2, -0.2 });
        var png = ScatterFigure.Render(new[] { left, right }, new CurveStyle { Title = "Latent space", XLabel = "PC 1", YLabel = "PC 2", Width = 600, Height = 400 });
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(600, bitmap.Width);
        Assert.Equal(400, bitmap.Height);

        // Category10: blue (31, 119, 180) first, orange (255, 127, 14) second; blue points lie left of orange ones.
        var pixels = Enumerable.Range(0, bitmap.Width).SelectMany(x => Enumerable.Range(0, bitmap.Height).Select(y => (x, y, c: bitmap.GetPixel(x, y)))).ToList();
        var blue = pixels.Where(p => Near(p.c, 31, 119, 180)).Select(p => p.x).ToList();
        var orange = pixels.Where(p => Near(p.c, 255, 127, 14)).Select(p => p.x).ToList();
        Assert.NotEmpty(blue);
        Assert.NotEmpty(orange);
        Assert.True(blue.Average() < orange.Average(), $"blue at x̄ = {blue.Average():F0}, orange at {orange.Average():F0}");

        Assert.Throws<ArgumentException>(() => ScatterFigure.Render(new[] { new CurveSeries("nan", new double[] { double.NaN }, new double[] { 1 }) }, new CurveStyle()));
        Assert.Throws<ArgumentException>(() => ScatterFigure.Render(Array.Empty<CurveSeries>(), new CurveStyle()));
    }
}
