using System.Text.Json;
using Relax.IO;
using SkiaSharp;
using static Relax.Cli.Tests.CliHarness;

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
    [InlineData("--masks", "stripes", "--masks stripes: unknown; use one of: random-grid, pixel, time, frequency, time-frequency")]
    [InlineData("--count", "0", "--count 0: RELAX needs at least 1")]
    [InlineData("--batch", "-3", "--batch -3: the batch size must be at least 1")]
    [InlineData("--replace", "noise", "--replace noise: unknown; use one of: mean, min, zero")]
    [InlineData("--normalization", "paper", "--normalization paper: unknown; use one of: mask-weight, mask-count")]
    [InlineData("--keep", "1.5", "--keep 1.5: must lie strictly between 0 and 1.")]
    [InlineData("--converge", "1", "--converge 1: must lie strictly between 0 and 1.")]
    [InlineData("--device", "tpu", "--device: Unknown device 'tpu'")]
    public void Bad_settings_are_refused_by_the_command_line_with_one_clear_line_and_write_nothing(string option, string value, string message)
        => AssertRejectedAsUsage(message, "explain", Clip, option, value);

    [Fact]
    public void An_example_the_recording_does_not_have_fails_with_one_clear_line()
        => AssertFailsCleanly("has 3 example(s)", "explain", Clip, "--example", "7");

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
            var cow = Run("synth", "cow", "-o", wav);
            Assert.Equal(RelaxCli.UsageError, cow.Code);
            Assert.Contains("'cow'", cow.Error, StringComparison.Ordinal);
            Assert.Contains("dog, cat, bird", cow.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
