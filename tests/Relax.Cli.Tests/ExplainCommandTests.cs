using static Relax.Cli.Tests.CliHarness;
using System.Text.Json;
using Relax.IO;
using SkiaSharp;

namespace Relax.Cli.Tests;

/// <summary>The README's main job (relax explain on the bundled clip), at small N.</summary>
public class ExplainCommandTests
{
    [Fact]
    public void Explain_writes_arrays_summaries_and_figures_for_every_example()
    {
        InTempFolder("explain", folder =>
        {
            var (code, output, error) = Run("explain", Clip, "--count", "64", "--batch", "32", "-o", folder);
            Assert.True(code == 0, error);
            Assert.Contains("Model: ", output, StringComparison.Ordinal);
            var examples = Directory.GetDirectories(folder).Order().ToArray();
            Assert.Equal(3, examples.Length); // a 3 s clip: three 0.96 s examples
            foreach (var example in examples)
            {
                foreach (var name in new[] { "logmel.npy", "saliency.npy", "uncertainty.npy", "mask-weight.npy" })
                {
                    var (data, shape) = NpyFile.Read(Path.Combine(example, name));
                    Assert.Equal(new long[] { 96, 64 }, shape);
                    Assert.All(data, v => Assert.True(float.IsFinite(v), $"{name} has {v}"));
                }
                var saliency = NpyFile.Read(Path.Combine(example, "saliency.npy")).Data;
                Assert.True(saliency.Max() > saliency.Min(), "saliency varies");
                foreach (var name in new[] { "logmel.png", "saliency.png", "uncertainty.png" })
                {
                    using var bitmap = SKBitmap.Decode(Path.Combine(example, name));
                    Assert.NotNull(bitmap);
                    Assert.True(bitmap.Width >= 600 && bitmap.Height >= 300);
                }
                using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(example, "summary.json")));
                Assert.Equal(64, summary.RootElement.GetProperty("masksUsed").GetInt32());
                Assert.Equal("time-frequency", summary.RootElement.GetProperty("masks").GetString());
                Assert.False(string.IsNullOrWhiteSpace(summary.RootElement.GetProperty("model").GetString()));
            }
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
            using var top = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "summary.json")));
            Assert.Equal(3, top.RootElement.GetProperty("examples").GetArrayLength());
        });
    }

    [Fact]
    public void One_example_with_early_stopping_and_other_masks()
    {
        InTempFolder("explain", folder =>
        {
            var (code, _, error) = Run("explain", Clip, "--example", "1", "--masks", "random-grid", "--count", "2000", "--converge", "0.9", "-o", folder);
            Assert.True(code == 0, error);
            var example = Assert.Single(Directory.GetDirectories(folder));
            Assert.EndsWith("example-001", example, StringComparison.Ordinal);
            using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(example, "summary.json")));
            Assert.True(summary.RootElement.GetProperty("stoppedEarly").GetBoolean());
            Assert.True(summary.RootElement.GetProperty("masksUsed").GetInt32() < 2000);
            Assert.True(summary.RootElement.GetProperty("estimatedCorrelation").GetDouble() >= 0.9);
        });
    }

    [Theory]
    [InlineData("--masks", "stripes", "Unknown mask kind")]
    [InlineData("--count", "0", "at least 1 mask")]
    [InlineData("--replace", "noise", "Unknown replacement")]
    [InlineData("--example", "7", "has 3 example(s)")]
    [InlineData("--keep", "1.5", "between 0 and 1")]
    public void Bad_settings_fail_with_one_clear_line_and_write_nothing(string option, string value, string message)
        => AssertFailsCleanly(message, "explain", Clip, option, value);

    [Fact]
    public void Synth_writes_a_clip_that_explain_reads()
    {
        var folder = TempFolder("explain");
        try
        {
            var wav = Path.Combine(folder, "cat.wav");
            Assert.Equal(0, Run("synth", "cat", "--seconds", "2", "-o", wav).Code);
            Assert.Equal(0, Run("features", wav, "-o", Path.Combine(folder, "x.npy")).Code);
            Assert.Equal(new long[] { 2, 96, 64 }, NpyFile.Read(Path.Combine(folder, "x.npy")).Shape);
            Assert.Contains("Unknown class", Run("synth", "cow", "-o", wav).Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
