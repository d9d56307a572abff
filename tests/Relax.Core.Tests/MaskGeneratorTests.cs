using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

public class MaskGeneratorTests
{
    public static TheoryData<string> Generators => new() { "random-grid", "pixel", "time", "frequency", "time-frequency" };

    internal static IMaskGenerator Create(string name, double p = 0.5) => name switch
    {
        "random-grid" => new RandomGridMasks(6, p),
        "pixel" => new BernoulliPixelMasks(p),
        "time" => new TimeBandMasks(4, p),
        "frequency" => new FrequencyBandMasks(3, p),
        "time-frequency" => new TimeFrequencyMasks(4, 3, p),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static float[] Draw(IMaskGenerator masks, int count, int h, int w, long seed)
    {
        using var m = masks.Generate(new MaskBatch(seed, 0, count), h, w, CPU);
        Assert.Equal(new long[] { count, h, w }, m.shape);
        Assert.Equal(ScalarType.Float32, m.dtype);
        return m.contiguous().data<float>().ToArray();
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Masks_have_the_requested_shape_values_in_unit_interval_and_keep_fraction_p(string name)
    {
        foreach (var p in new[] { 0.3, 0.5, 0.8 })
        {
            var values = Draw(Create(name, p), 400, 24, 18, seed: 1);
            Assert.All(values, v => Assert.InRange(v, 0f, 1f));
            double mean = values.Average(v => (double)v);
            Assert.True(Math.Abs(mean - p) < 0.03, $"{name}: mean mask value {mean:F3}, expected ≈ {p}");
        }
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Same_seed_gives_same_masks_and_another_seed_different_ones(string name)
    {
        var a = Draw(Create(name), 8, 16, 12, seed: 42);
        var b = Draw(Create(name), 8, 16, 12, seed: 42);
        var c = Draw(Create(name), 8, 16, 12, seed: 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.8)]
    public void Every_named_generator_takes_the_keep_probability_it_is_given(double p)
    {
        foreach (var name in MaskGenerators.Names)
        {
            var generator = MaskGenerators.Create(name, p);
            Assert.Equal(name, generator.Name);
            double reported = generator switch
            {
                RandomGridMasks g => g.KeepProbability,
                BernoulliPixelMasks g => g.KeepProbability,
                TimeBandMasks g => g.KeepProbability,
                FrequencyBandMasks g => g.KeepProbability,
                TimeFrequencyMasks g => g.KeepProbability,
                _ => double.NaN,
            };
            Assert.Equal(p, reported);
            double mean = Draw(generator, 600, 96, 64, seed: 4).Average(v => (double)v);
            Assert.True(Math.Abs(mean - p) < 0.03, $"{name} created with p = {p}: mean mask value {mean:F3}");
        }
    }

    [Fact]
    public void Binary_generators_draw_only_zeros_and_ones_while_the_grid_is_smooth()
    {
        foreach (var name in new[] { "pixel", "time", "frequency", "time-frequency" })
        {
            Assert.All(Draw(Create(name), 16, 16, 12, 3), v => Assert.True(v == 0f || v == 1f, $"{name} drew {v}"));
        }
        var grid = Draw(new RandomGridMasks(4, 0.5), 16, 32, 32, 3);
        Assert.Contains(grid, v => v > 0.05f && v < 0.95f);
    }

    [Fact]
    public void Time_masks_are_constant_across_frequency_and_change_only_at_band_edges()
    {
        const int h = 30, w = 10, band = 4, count = 50;
        var m = Draw(new TimeBandMasks(band, 0.5), count, h, w, 9);
        for (int k = 0; k < count; k++)
        {
            var changes = new List<int>();
            for (int t = 0; t < h; t++)
            {
                float first = m[(k * h + t) * w];
                for (int f = 1; f < w; f++)
                {
                    Assert.Equal(first, m[(k * h + t) * w + f]);
                }
                if (t > 0 && first != m[(k * h + t - 1) * w])
                {
                    changes.Add(t);
                }
            }
            // All changes of one mask sit on one lattice t ≡ offset (mod band).
            Assert.True(changes.Select(t => t % band).Distinct().Count() <= 1, $"mask {k}: changes at {string.Join(",", changes)}");
        }
    }

    [Fact]
    public void Frequency_masks_are_constant_across_time_and_band_offsets_vary()
    {
        const int h = 12, w = 20, band = 3, count = 200;
        var m = Draw(new FrequencyBandMasks(band, 0.5), count, h, w, 9);
        var phases = new HashSet<int>();
        for (int k = 0; k < count; k++)
        {
            for (int f = 0; f < w; f++)
            {
                float first = m[(k * h) * w + f];
                for (int t = 1; t < h; t++)
                {
                    Assert.Equal(first, m[(k * h + t) * w + f]);
                }
                if (f > 0 && first != m[(k * h) * w + f - 1])
                {
                    phases.Add(f % band);
                }
            }
        }
        Assert.Equal(band, phases.Count); // edges fall on every phase across masks
    }

    [Fact]
    public void Time_frequency_masks_are_products_of_a_time_and_a_frequency_pattern()
    {
        const int h = 16, w = 12, count = 40;
        var m = Draw(new TimeFrequencyMasks(4, 3, 0.5), count, h, w, 5);
        for (int k = 0; k < count; k++)
        {
            var rowKept = Enumerable.Range(0, h).Select(t => Enumerable.Range(0, w).Any(f => m[(k * h + t) * w + f] == 1)).ToArray();
            var columnKept = Enumerable.Range(0, w).Select(f => Enumerable.Range(0, h).Any(t => m[(k * h + t) * w + f] == 1)).ToArray();
            for (int t = 0; t < h; t++)
            {
                for (int f = 0; f < w; f++)
                {
                    Assert.Equal(rowKept[t] && columnKept[f] ? 1f : 0f, m[(k * h + t) * w + f]);
                }
            }
        }
    }

    [Fact]
    public void Invalid_settings_are_rejected_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomGridMasks(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomGridMasks(4, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomGridMasks(4, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomGridMasks(4, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BernoulliPixelMasks(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BernoulliPixelMasks(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeBandMasks(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeBandMasks(4, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyBandMasks(-2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeFrequencyMasks(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeFrequencyMasks(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeFrequencyMasks(4, 4, 0));
    }

    [Fact]
    public void Layouts_larger_than_the_input_are_rejected_with_the_sizes_in_the_message()
    {
        var batch = new MaskBatch(1, 0, 1);
        var grid = Assert.Throws<ArgumentException>(() => new RandomGridMasks(10, 0.5).Generate(batch, 8, 64, CPU));
        Assert.Contains("10", grid.Message);
        Assert.Contains("8", grid.Message);
        Assert.Throws<ArgumentException>(() => new TimeBandMasks(100).Generate(batch, 96, 64, CPU));
        Assert.Throws<ArgumentException>(() => new FrequencyBandMasks(65).Generate(batch, 96, 64, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BernoulliPixelMasks().Generate(batch, 0, 64, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaskBatch(1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaskBatch(1, -1, 4));
    }
}

/// <summary>Random-grid masks are a bilinearly upsampled coarse grid cropped at a random offset on both axes
/// (RISE/RELAX): the kinks of the piecewise-linear mask, where its second difference is not zero, sit at the grid's
/// cell centres. Where the upsampled centres fall on whole rows and columns (the sizes below), a fixed offset puts the
/// kinks on no more rows (columns) than the grid has; random offsets move them, so many masks show more.</summary>
public class RandomGridShiftTests
{
    private static (HashSet<int> Rows, HashSet<int> Columns) KinkPositions(int rows, int columns, int height, int width, int count)
    {
        using var masks = new RandomGridMasks(rows, columns, 0.5).Generate(new MaskBatch(11, 0, count), height, width, CPU);
        var values = masks.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        double At(int n, int i, int j) => values[((long)n * height + i) * width + j];
        var kinkRows = new HashSet<int>();
        var kinkColumns = new HashSet<int>();
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < height; i++)
            {
                for (int j = 0; j < width; j++)
                {
                    if (j > 0 && j < width - 1 && Math.Abs(At(n, i, j - 1) - 2 * At(n, i, j) + At(n, i, j + 1)) > 1e-4)
                    {
                        kinkColumns.Add(j);
                    }
                    if (i > 0 && i < height - 1 && Math.Abs(At(n, i - 1, j) - 2 * At(n, i, j) + At(n, i + 1, j)) > 1e-4)
                    {
                        kinkRows.Add(i);
                    }
                }
            }
        }
        return (kinkRows, kinkColumns);
    }

    [Fact]
    public void Grid_edges_vary_across_masks_on_both_axes()
    {
        var (rows, columns) = KinkPositions(rows: 4, columns: 4, height: 16, width: 16, count: 64);
        Assert.True(rows.Count > 4, $"kinks at rows {string.Join(", ", rows.Order())}: the grid is not shifted along time");
        Assert.True(columns.Count > 4, $"kinks at columns {string.Join(", ", columns.Order())}: the grid is not shifted along frequency");
    }

    [Fact]
    public void Non_square_grids_shift_on_both_axes_too()
    {
        // 2 × 4 cells of 6 × 4 on 12 × 16: upsampled to 18 × 20, the cell centres fall on whole rows and columns (every
        // 9th row, every 5th column), so an unshifted grid has its kinks on at most 2 rows and 4 columns.
        var (rows, columns) = KinkPositions(rows: 2, columns: 4, height: 12, width: 16, count: 64);
        Assert.True(rows.Count > 2, $"kinks at rows {string.Join(", ", rows.Order())}");
        Assert.True(columns.Count > 4, $"kinks at columns {string.Join(", ", columns.Order())}");
    }
}
