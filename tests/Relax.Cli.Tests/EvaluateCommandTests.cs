using Relax.Runs;
using SkiaSharp;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary><c>relax evaluate</c> on the default model at tiny settings.</summary>
public class EvaluateCommandTests
{
    private static readonly string[] Tiny =
        ["--explainers", "relax,occlusion,gradient,lrp", "--count", "32", "--step", "0.25", "--window", "24x16", "--stride", "24x16", "--replace", "mean,other-input"];

    [Fact]
    public void Evaluate_writes_csv_summaries_figures_and_resumes_without_redoing_clips()
    {
        InTempFolder("evaluate", folder =>
        {
            string[] args = ["evaluate", Clip, "--examples-per-file", "1", "--synthetic", "1", "-o", folder, .. Tiny];
            var (code, output, error) = Run(args);
            Assert.True(code == 0, error);
            Assert.Contains("Model: Relax default model", output, StringComparison.Ordinal);
            Assert.Contains("relax-time-frequency", output, StringComparison.Ordinal);
            Assert.Contains("Mean Spearman rank correlation", output, StringComparison.Ordinal);
            Assert.Contains("[4/4]", error, StringComparison.Ordinal);

            var clips = Directory.GetDirectories(Path.Combine(folder, "clips")).Select(d => Path.GetFileName(d)!).Order().ToArray();
            Assert.Equal(new[] { "synthetic-bird-000", "synthetic-bird-e000", "synthetic-cat-000", "synthetic-dog-000" }, clips);
            var perClass = File.ReadAllLines(Path.Combine(folder, "per-class.csv"));
            Assert.Contains(perClass, l => l.StartsWith("bird,2,relax-time-frequency,mean,", StringComparison.Ordinal));   // the WAV is labelled from its name
            Assert.Contains(perClass, l => l.StartsWith("all,4,occlusion,other-input,", StringComparison.Ordinal));
            Assert.Contains(perClass, l => l.StartsWith("all,4,lrp,mean,", StringComparison.Ordinal));
            Assert.Equal(1 + 4 * 4 * 2, File.ReadAllLines(Path.Combine(folder, "per-clip.csv")).Length);
            // Audio-domain scores: the WAV's example and the generated clips all have audio.
            Assert.Contains("Audio-domain faithfulness, 4 clip(s)", output, StringComparison.Ordinal);
            var audio = File.ReadAllLines(Path.Combine(folder, "audio-faithfulness.csv"));
            Assert.Equal(["explainer", "relax-time-frequency", "occlusion", "gradient", "lrp", "random"], audio.Select(l => l.Split(',')[0]));
            Assert.Contains(File.ReadAllLines(Path.Combine(folder, "accuracy.csv")), l => l.StartsWith("all,gradient,mean,morf,0.25,", StringComparison.Ordinal));
            Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "rank-correlation.csv")).Length);
            foreach (var png in new[] { "flipping-occlusion.png", Path.Combine("clips", "synthetic-cat-000", "explainers.png"), Path.Combine("clips", "synthetic-cat-000", "flipping-gradient.png") })
            {
                using var bitmap = SKBitmap.Decode(Path.Combine(folder, png));
                Assert.True(bitmap is { Width: >= 600, Height: >= 400 }, png);
            }
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));

            // A second run reuses every clip; a deleted result is redone.
            File.Delete(Path.Combine(folder, "clips", "synthetic-cat-000", DatasetEvaluator.ResultFile));
            (code, output, error) = Run(args);
            Assert.True(code == 0, error);
            Assert.Contains("1 clip(s) computed, 3 reused", output, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("--explainers", "lime", "--explainers: unknown 'lime'; use one or more of: relax, u-relax, occlusion")]
    [InlineData("--replace", "noise", "--replace: unknown 'noise'; use one or more of: mean, min, zero, other-input")]
    [InlineData("--step", "0.7", "--step 0.7: the step must be between 0.001 and 0.5.")]
    [InlineData("--step", "1e-300", "--step 1e-300: the step must be between 0.001 and 0.5.")]
    [InlineData("--ig-steps", "2147483647", "--ig-steps 2147483647: must be between 1 and 4096 (a whole number).")]
    [InlineData("--count", "NaN", "--count NaN: RELAX needs between 1 and 10000000 (a whole number).")]
    [InlineData("--window", "12by8", "--window 12by8: use FRAMESxBANDS")]
    [InlineData("--count", "0", "--count 0: RELAX needs between 1 and 10000000")]
    [InlineData("--examples-per-file", "0", "--examples-per-file 0: must be at least 1")]
    public void Bad_settings_are_refused_by_the_command_line_with_one_clear_line_and_write_nothing(string option, string value, string message)
        => AssertRejectedAsUsage(message, "evaluate", "--synthetic", "1", option, value);

    [Fact]
    public void Other_input_replacement_needs_two_clips()
        => AssertFailsCleanly("needs at least two clips; there is 1", "evaluate", CliHarness.Clip, "--examples-per-file", "1", "--replace", "other-input");

    [Fact]
    public void Nothing_to_evaluate_is_a_clear_error()
    {
        AssertFailsCleanly("Nothing to evaluate", "evaluate");
        AssertFailsCleanly("no such file or folder", "evaluate", "/no/such/folder");
    }
}
