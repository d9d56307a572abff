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

public class MapGridFigureTests
{
    private static float[,] Ramp(int frames, int bands, float scale)
    {
        var map = new float[frames, bands];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < bands; f++)
            {
                map[t, f] = scale * f / bands;
            }
        }
        return map;
    }

    [Fact]
    public void A_grid_lays_panels_out_in_rows_with_a_title_band_and_aligned_plot_areas()
    {
        var centres = Enumerable.Range(0, 64).Select(i => 125.0 * Math.Pow(60, i / 63.0)).ToArray();
        var panels = new[]
        {
            new MapPanel("log-mel", Ramp(96, 64, 80), "log mel", HeatmapColors.Magma),
            new MapPanel("relax", Ramp(96, 64, 0.001f), "R"),
            new MapPanel("occlusion", Ramp(96, 64, 1), "1 − s"),
            new MapPanel("gradient", Ramp(96, 64, 12345), "|∂s/∂x|·|x − x′|"),
        };
        var png = MapGridFigure.Render(panels, new SpectrogramAxes { BandCentresHz = centres }, new MapGridStyle { Title = "Explainers", Columns = 3, PanelWidth = 500, PanelHeight = 340 });
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(3 * 500, bitmap.Width);
        Assert.Equal(44 + 2 * 340, bitmap.Height);

        // Every panel's heatmap starts at the same offset inside its panel (the layout is fixed, so the axes line up
        // even though the colour bars' tick labels differ in width): find the first non-white, non-grey column on a row
        // through the middle of each panel's plot area.
        int Left(int panel)
        {
            int x0 = panel % 3 * 500, y = 44 + panel / 3 * 340 + 170;
            return Enumerable.Range(x0, 500).First(x =>
            {
                var c = bitmap.GetPixel(x, y);
                return c.Red != c.Green || c.Green != c.Blue;   // coloured: the heatmap
            }) - x0;
        }
        Assert.All(Enumerable.Range(1, 3), k => Assert.Equal(Left(0), Left(k)));
        // The unused sixth slot stays white.
        Assert.Equal(SKColors.White, bitmap.GetPixel(2 * 500 + 250, 44 + 340 + 170));
    }

    [Fact]
    public void A_grid_rejects_panels_of_different_shapes_and_bad_sizes()
    {
        var panels = new[] { new MapPanel("a", Ramp(10, 8, 1)), new MapPanel("b", Ramp(10, 9, 1)) };
        Assert.Contains("shares its axes", Assert.Throws<ArgumentException>(() => MapGridFigure.Render(panels, new SpectrogramAxes(), new MapGridStyle())).Message);
        Assert.Throws<ArgumentException>(() => MapGridFigure.Render(Array.Empty<MapPanel>(), new SpectrogramAxes(), new MapGridStyle()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MapGridStyle { Columns = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MapGridStyle { PanelWidth = 10 });
    }
}

public class FlippingFigureTests
{
    [Fact]
    public void Flipping_curves_are_labelled_with_order_and_replacement()
    {
        var fractions = new[] { 0, 0.5, 1 };
        var curves = new[]
        {
            new Relax.Evaluation.FlipCurve(Relax.Evaluation.FlipOrder.MostRelevantFirst, "mean", fractions, new[] { 1, 0.4, 0.2 }, null, null),
            new Relax.Evaluation.FlipCurve(Relax.Evaluation.FlipOrder.LeastRelevantFirst, "other-input", fractions, new[] { 1, 0.9, 0.2 }, null, null),
            new Relax.Evaluation.FlipCurve(Relax.Evaluation.FlipOrder.Random, "min", fractions, new[] { 1, 0.7, 0.2 }, null, null),
        };
        var series = FlippingFigure.Series(curves);
        Assert.Equal(new[] { "MoRF · mean", "LeRF · other-input", "random · min" }, series.Select(s => s.Label).ToArray());
        Assert.Equal(new[] { 1, 0.4, 0.2 }, series[0].Y);
        Assert.Equal(new int?[] { 0, 1, 7 }, series.Select(s => s.Color).ToArray());                               // colour: the order
        Assert.Equal(new[] { CurveDash.Solid, CurveDash.Dashed, CurveDash.Dotted }, series.Select(s => s.Dash).ToArray()); // pattern: the replacement
        Assert.Throws<ArgumentOutOfRangeException>(() => new CurveSeries("x", fractions, fractions) { Color = -1 });
        Assert.Throws<ArgumentException>(() => FlippingFigure.Series(curves, probability: true));
        using var bitmap = SKBitmap.Decode(CurveFigure.Render(series, new CurveStyle { Title = "t", XLabel = "x", YLabel = "y" }));
        Assert.Equal(800, bitmap.Width);
    }
}
