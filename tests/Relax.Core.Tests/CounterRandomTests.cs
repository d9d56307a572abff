using System.Globalization;
using System.Text.Json;
using Relax.IO;
using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>The counter-based generator and the masks drawn from it, against NumPy's Philox and masks drawn by the
/// documented algorithm in Python (tools/reference/philox_reference.py), and the properties they promise: mask n
/// depends on the seed and n alone, whatever the batch it falls in.</summary>
public class CounterRandomTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static JsonElement Reference { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "philox_reference.json"))).RootElement;

    private static ulong Hex(JsonElement e) => ulong.Parse(e.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public void Blocks_equal_numpys_philox4x64_10_including_random123s_known_answers()
    {
        Span<ulong> output = stackalloc ulong[4];
        int checkedBlocks = 0;
        foreach (var block in Reference.GetProperty("blocks").EnumerateArray())
        {
            var c = block.GetProperty("counter").EnumerateArray().Select(Hex).ToArray();
            var k = block.GetProperty("key").EnumerateArray().Select(Hex).ToArray();
            var expected = block.GetProperty("output").EnumerateArray().Select(Hex).ToArray();
            CounterRandom.Block(c[0], c[1], c[2], c[3], k[0], k[1], output);
            Assert.Equal(expected, output.ToArray());
            checkedBlocks++;
        }
        Assert.Equal(5, checkedBlocks);
    }

    [Fact]
    public void Uniform_numbers_follow_the_documented_counter_layout()
    {
        var u = Reference.GetProperty("uniforms");
        var expected = u.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var random = new CounterRandom(u.GetProperty("seed").GetInt64(), Hex(u.GetProperty("domain")));
        var actual = new double[expected.Length];
        random.Uniform(u.GetProperty("index").GetInt64(), u.GetProperty("stream").GetUInt32(), actual);
        Assert.Equal(expected, actual); // exact: 53-bit values survive JSON's shortest round-trip form
        Assert.All(actual, v => Assert.InRange(v, 0.0, 1.0 - 1e-17));
    }

    private static IMaskGenerator FixtureGenerator(string kind) => kind switch
    {
        "time-frequency" => new TimeFrequencyMasks(8, 4, 0.5),
        "time" => new TimeBandMasks(8, 0.3),
        "frequency" => new FrequencyBandMasks(4, 0.8),
        "pixel" => new BernoulliPixelMasks(0.5),
        _ => new RandomGridMasks(8, 0.5),
    };

    [Fact]
    public void Binary_masks_equal_the_python_reference_bit_for_bit()
    {
        var masks = Reference.GetProperty("masks");
        long seed = masks.GetProperty("seed").GetInt64();
        int compared = 0;
        foreach (var draw in masks.GetProperty("binary").EnumerateArray())
        {
            string kind = draw.GetProperty("kind").GetString()!;
            int index = draw.GetProperty("index").GetInt32(), height = draw.GetProperty("height").GetInt32(), width = draw.GetProperty("width").GetInt32();
            var bits = Convert.FromHexString(draw.GetProperty("bits").GetString()!);
            var expected = Enumerable.Range(0, height * width).Select(i => (bits[i / 8] >> (7 - i % 8)) & 1).Select(b => (float)b).ToArray();
            using var mask = FixtureGenerator(kind).Generate(new MaskBatch(seed, index, 1), height, width, CPU);
            Assert.True(expected.SequenceEqual(mask.contiguous().data<float>().ToArray()), $"{kind} mask {index} differs from the reference");
            compared++;
        }
        Assert.Equal(12, compared);
    }

    [Fact]
    public void Random_grid_masks_equal_the_float64_python_reference_to_float32_rounding()
    {
        var masks = Reference.GetProperty("masks");
        long seed = masks.GetProperty("seed").GetInt64();
        var grid = masks.GetProperty("random_grid");
        var (values, shape) = NpyFile.Read(Path.Combine(FixtureDirectory, grid.GetProperty("file").GetString()!));
        var indices = grid.GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()).ToArray();
        int per = (int)(shape[1] * shape[2]);
        for (int k = 0; k < indices.Length; k++)
        {
            using var mask = new RandomGridMasks(8, 0.5).Generate(new MaskBatch(seed, indices[k], 1), 96, 64, CPU);
            var actual = mask.contiguous().data<float>().ToArray();
            double worst = actual.Select((v, i) => Math.Abs(v - values[k * per + i])).Max();
            Assert.True(worst <= 1e-6, $"random-grid mask {indices[k]}: max |Δ| {worst:E2}");
            Assert.Contains(actual, v => v > 0.05f && v < 0.95f); // smooth, not binary
        }
    }

    [Theory]
    [MemberData(nameof(MaskGeneratorTests.Generators), MemberType = typeof(MaskGeneratorTests))]
    public void A_mask_is_the_same_bits_whatever_batch_it_is_drawn_in(string name)
    {
        var generator = MaskGeneratorTests.Create(name);
        const int total = 200, height = 24, width = 18;
        using var whole = generator.Generate(new MaskBatch(5, 0, total), height, width, CPU);
        var expected = whole.contiguous().data<float>().ToArray();
        var pieces = new List<float>();
        int done = 0;
        foreach (int size in new[] { 1, 7, 64, 128 })
        {
            using var part = generator.Generate(new MaskBatch(5, done, size), height, width, CPU);
            pieces.AddRange(part.contiguous().data<float>().ToArray());
            done += size;
        }
        Assert.Equal(total, done);
        Assert.True(expected.SequenceEqual(pieces), $"{name}: masks drawn in batches of 1, 7, 64, 128 differ from one batch of 200");

        // Out of order: masks 150–159 alone equal rows 150–159.
        using var late = generator.Generate(new MaskBatch(5, 150, 10), height, width, CPU);
        Assert.True(expected.AsSpan(150 * height * width, 10 * height * width).SequenceEqual(late.contiguous().data<float>().ToArray()), $"{name}: a late batch alone differs");
    }

    [Theory]
    [MemberData(nameof(MaskGeneratorTests.Generators), MemberType = typeof(MaskGeneratorTests))]
    public void Neighbouring_masks_and_seeds_are_unrelated(string name)
    {
        var generator = MaskGeneratorTests.Create(name);
        using var a = generator.Generate(new MaskBatch(9, 0, 400), 24, 18, CPU);
        using var b = generator.Generate(new MaskBatch(10, 0, 400), 24, 18, CPU);
        // Mask n against mask n + 1 of the same seed, and mask n of the neighbouring seed: correlations near 0.
        var flatA = a.reshape(400, -1).to(ScalarType.Float64);
        var flatB = b.reshape(400, -1).to(ScalarType.Float64);
        double Correlation(Tensor x, Tensor y) => corrcoef(stack([x.flatten(), y.flatten()]))[0, 1].item<double>();
        double nextMask = Correlation(flatA[..399], flatA[1..]);
        double nextSeed = Correlation(flatA, flatB);
        Assert.True(Math.Abs(nextMask) < 0.05, $"{name}: masks n and n + 1 correlate at {nextMask:F3}");
        Assert.True(Math.Abs(nextSeed) < 0.05, $"{name}: seeds 9 and 10 correlate at {nextSeed:F3}");
    }
}
