using System.Diagnostics;
using System.Text.Json;
using Relax.IO;
using SkiaSharp;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary><c>relax explain</c>: the README's main job (the bundled clip) at small N, and corpora of folders.</summary>
public class ExplainCommandTests
{
    private static readonly string[] MapFiles = ["saliency.npy", "uncertainty.npy", "mask-weight.npy", "saliency.csv", "uncertainty.csv"];

    [Fact]
    public void Explain_writes_arrays_summaries_and_figures_for_every_example()
    {
        InTempFolder("explain", folder =>
        {
            var (code, output, error) = Run("explain", Clip, "--count", "64", "--batch", "32", "-o", folder);
            Assert.True(code == 0, error);
            Assert.Contains("Model: ", output, StringComparison.Ordinal);
            var examples = Directory.GetDirectories(Path.Combine(folder, "synthetic-bird")).Order().ToArray();
            Assert.Equal(3, examples.Length); // a 3 s clip: three 0.96 s examples
            foreach (var example in examples)
            {
                var unit = Path.Combine(example, "time-frequency");
                foreach (var path in new[] { Path.Combine(example, "logmel.npy"), Path.Combine(unit, "saliency.npy"), Path.Combine(unit, "uncertainty.npy"), Path.Combine(unit, "mask-weight.npy"), Path.Combine(unit, "u-relax.npy") })
                {
                    var (data, shape) = NpyFile.Read(path);
                    Assert.Equal(new long[] { 96, 64 }, shape);
                    Assert.All(data, v => Assert.True(float.IsFinite(v), $"{path} has {v}"));
                }
                var saliency = NpyFile.Read(Path.Combine(unit, "saliency.npy")).Data;
                Assert.True(saliency.Max() > saliency.Min(), "saliency varies");
                // U-RELAX keeps the saliency of the cells whose uncertainty is at most the median (half of them, more when
                // cells of one mask band tie at the median) and zeroes the rest; exactness is checked in Relax.Core.Tests.
                var uRelax = NpyFile.Read(Path.Combine(unit, "u-relax.npy")).Data;
                Assert.All(uRelax.Zip(saliency), p => Assert.True(p.First == p.Second || p.First == 0));
                int kept = uRelax.Count(v => v != 0), zeroSaliency = saliency.Count(v => v == 0);
                Assert.InRange(kept, 96 * 64 / 2 - zeroSaliency, 96 * 64 * 3 / 4);
                foreach (var path in new[] { Path.Combine(example, "logmel.png"), Path.Combine(unit, "saliency.png"), Path.Combine(unit, "uncertainty.png"), Path.Combine(unit, "u-relax.png") })
                {
                    using var bitmap = SKBitmap.Decode(path);
                    Assert.NotNull(bitmap);
                    Assert.True(bitmap.Width >= 600 && bitmap.Height >= 300);
                }
                using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(unit, "summary.json")));
                Assert.Equal(64, summary.RootElement.GetProperty("masksUsed").GetInt32());
                Assert.Equal("time-frequency", summary.RootElement.GetProperty("maskKind").GetString());
                Assert.Equal("done", summary.RootElement.GetProperty("status").GetString());
            }
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
            using var top = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "summary.json")));
            Assert.Equal(3, top.RootElement.GetProperty("units").GetInt32());
            Assert.Contains("Float32", top.RootElement.GetProperty("settings").GetProperty("dtype").GetString(), StringComparison.Ordinal);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, "index.csv")).Length);
            Assert.True(File.Exists(Path.Combine(folder, "report.html")));
            using var grid = SKBitmap.Decode(Path.Combine(folder, "figures", "classes-time-frequency.png"));
            Assert.NotNull(grid);
        });
    }

    [Fact]
    public void Audio_writes_the_evidence_and_the_rest_as_sound_beside_the_combined_figure()
    {
        InTempFolder("audio", folder =>
        {
            var (code, _, error) = Run("explain", Clip, "--example", "0", "--count", "64", "--audio", "--evidence-fraction", "0.1", "-o", folder);
            Assert.True(code == 0, error);
            var unit = Path.Combine(folder, "synthetic-bird", "example-000", "time-frequency");
            foreach (var wav in new[] { "evidence.wav", "without-evidence.wav" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(unit, wav));
                Assert.Equal(44 + 2 * 15600, bytes.Length);   // 16-bit mono PCM, one example's 15 600 samples at 16 kHz
            }
            using var figure = SKBitmap.Decode(Path.Combine(unit, "explanation.png"));
            Assert.True(figure.Width > 4 * 400, "four panels side by side");
        });
    }

    [Fact]
    public void One_example_with_early_stopping_and_other_masks()
    {
        InTempFolder("explain", folder =>
        {
            var (code, _, error) = Run("explain", Clip, "--example", "1", "--masks", "random-grid", "--count", "2000", "--converge", "0.9", "-o", folder);
            Assert.True(code == 0, error);
            var example = Assert.Single(Directory.GetDirectories(Path.Combine(folder, "synthetic-bird")));
            Assert.EndsWith("example-001", example, StringComparison.Ordinal);
            using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(example, "random-grid", "summary.json")));
            Assert.True(summary.RootElement.GetProperty("stoppedEarly").GetBoolean());
            Assert.True(summary.RootElement.GetProperty("masksUsed").GetInt32() < 2000);
            Assert.True(summary.RootElement.GetProperty("estimatedCorrelation").GetDouble() >= 0.9);
        });
    }

    [Theory]
    [InlineData("--masks", "stripes", "--masks: unknown 'stripes'; use one or more of: random-grid, pixel, time, frequency, time-frequency")]
    [InlineData("--count", "0", "--count 0: RELAX needs between 1 and 10000000")]
    [InlineData("--batch", "-3", "--batch -3: the batch size must be between 1 and 1048576")]
    [InlineData("--replace", "noise", "--replace noise: unknown; use one of: mean, min, zero")]
    [InlineData("--normalization", "paper", "--normalization paper: unknown; use one of: mask-weight, mask-count")]
    [InlineData("--keep", "1.5", "--keep 1.5: must lie strictly between 0 and 1.")]
    [InlineData("--converge", "1", "--converge 1: must lie strictly between 0 and 1.")]
    [InlineData("--device", "tpu", "--device: Unknown device 'tpu'")]
    [InlineData("--dtype", "int8", "--dtype: ")]
    [InlineData("--hop", "0.005", "--hop 0.005: use 0.01 to 0.96 seconds in whole 10 ms frames")]
    [InlineData("--hop", "0.485", "--hop 0.485: use 0.01 to 0.96 seconds in whole 10 ms frames")]
    [InlineData("--examples-per-file", "0", "--examples-per-file 0: must be at least 1 (a whole number).")]
    [InlineData("--count", "1e308", "--count 1e308: RELAX needs between 1 and 10000000 (a whole number).")]
    [InlineData("--count", "99999999999", "--count 99999999999: RELAX needs between 1 and 10000000 (a whole number).")]
    [InlineData("--keep", "NaN", "--keep NaN: must lie strictly between 0 and 1.")]
    [InlineData("--hop", "abc", "--hop abc: use 0.01 to 0.96 seconds")]
    [InlineData("--seed", "1.5", "--seed 1.5: the seed must be between")]
    [InlineData("--example", "-1", "--example -1: must be at least 0 (a whole number).")]
    public void Bad_settings_are_refused_by_the_command_line_with_one_clear_line_and_write_nothing(string option, string value, string message)
        => AssertRejectedAsUsage(message, "explain", Clip, option, value);

    [Fact]
    public void An_example_the_recording_does_not_have_is_reported_with_one_clear_line()
    {
        InTempFolder("explain", folder =>
        {
            var (code, _, error) = Run("explain", Clip, "--example", "7", "-o", folder);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("no example 7 (the recording has 3, numbered 0 to 2)", error, StringComparison.Ordinal);
            Assert.Contains("Nothing was explained", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        });
    }

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

    /// <summary>A small corpus: dog/ with two 2 s clips, cat/ with one 2 s clip and a 0.5 s clip named in upper case.</summary>
    private static string MakeCorpus(string root)
    {
        var corpus = Path.Combine(root, "corpus");
        Directory.CreateDirectory(Path.Combine(corpus, "dog"));
        Directory.CreateDirectory(Path.Combine(corpus, "cat"));
        Assert.Equal(0, Run("synth", "dog", "--seconds", "2", "--seed", "3", "-o", Path.Combine(corpus, "dog", "rex.wav")).Code);
        Assert.Equal(0, Run("synth", "dog", "--seconds", "2", "--seed", "4", "-o", Path.Combine(corpus, "dog", "fido.wav")).Code);
        Assert.Equal(0, Run("synth", "cat", "--seconds", "2", "--seed", "5", "-o", Path.Combine(corpus, "cat", "tom.wav")).Code);
        WriteSineWav(Path.Combine(corpus, "cat", "SHORT.WAV"), seconds: 0.5);
        return corpus;
    }

    /// <summary>A 16 kHz, 16-bit mono WAV of a 440 Hz tone.</summary>
    internal static void WriteSineWav(string path, double seconds)
    {
        int samples = (int)(16000 * seconds);
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(16000);
        writer.Write(32000);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (int n = 0; n < samples; n++)
        {
            writer.Write((short)(8000 * Math.Sin(2 * Math.PI * 440 * n / 16000)));
        }
    }

    [Fact]
    public void Features_pads_a_short_clip_only_when_asked_and_hops_as_told()
    {
        InTempFolder("pad", root =>
        {
            Directory.CreateDirectory(root);
            var wav = Path.Combine(root, "short.wav");
            WriteSineWav(wav, seconds: 0.5);
            var (code, _, error) = Run("features", wav, "-o", Path.Combine(root, "a.npy"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--pad pads it with silence", error, StringComparison.Ordinal);
            Assert.DoesNotContain("PadFinalExample", error, StringComparison.Ordinal);
            Assert.Equal(0, Run("features", wav, "--pad", "-o", Path.Combine(root, "b.npy")).Code);
            Assert.Equal(new long[] { 1, 96, 64 }, NpyFile.Read(Path.Combine(root, "b.npy")).Shape);

            // 3 s with a hop of 0.48 s: examples start at 0, 0.48, …, 1.92 (the last whole one).
            Assert.Equal(0, Run("features", Clip, "--hop", "0.48", "-o", Path.Combine(root, "c.npy")).Code);
            Assert.Equal(new long[] { 5, 96, 64 }, NpyFile.Read(Path.Combine(root, "c.npy")).Shape);
        });
    }

    [Fact]
    public void A_corpus_of_folders_is_explained_with_several_mask_kinds_labels_from_folders_and_short_clips_reported()
    {
        InTempFolder("corpus", root =>
        {
            var corpus = MakeCorpus(root);
            var output = Path.Combine(root, "out");
            var (code, stdout, error) = Run("explain", corpus, "--masks", "time,frequency", "--count", "32", "--examples-per-file", "1", "-o", output);
            Assert.True(code == 0, error);
            Assert.Contains("4 recording(s), classes cat, dog", stdout, StringComparison.Ordinal);
            // The reason once, on the recording's progress line; the end names the recording again, briefly.
            Assert.Contains("cat/SHORT: skipped:", error, StringComparison.Ordinal);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(error, "--pad pads it with silence"));
            Assert.Contains("1 recording(s) not explained (reasons above and in index.csv): cat/SHORT.", error, StringComparison.Ordinal);
            var index = File.ReadAllLines(Path.Combine(output, "index.csv"));
            Assert.Equal(1 + 3 * 2 + 1, index.Length);
            Assert.Contains(index, l => l.Contains(",dog/rex,0,0,dog,time,32,", StringComparison.Ordinal));
            Assert.Contains(index, l => l.Contains(",cat/SHORT,-1,0,cat,,0,", StringComparison.Ordinal) && l.Contains("no-examples", StringComparison.Ordinal));
            foreach (var kind in new[] { "time", "frequency" })
            {
                Assert.True(File.Exists(Path.Combine(output, "figures", $"classes-{kind}.png")));
                foreach (var label in new[] { "cat", "dog" })
                {
                    Assert.Equal(new long[] { 96, 64 }, NpyFile.Read(Path.Combine(output, "class-maps", kind, $"{label}-saliency.npy")).Shape);
                }
            }
            Assert.True(File.Exists(Path.Combine(output, "figures", "saliency-by-mask.png")));
            var table = File.ReadAllLines(Path.Combine(output, "distinctiveness.csv"));
            Assert.Equal(1 + 2 * 2 * 2, table.Length);   // kinds × estimators × classes

            // --pad explains the short clip too; a labels file overrides the folders' names.
            var labels = Path.Combine(root, "labels.csv");
            File.WriteAllLines(labels, ["path,label", "corpus/cat/SHORT.WAV,tone", "corpus/dog/rex.wav,dog", "corpus/dog/fido.wav,dog", "corpus/cat/tom.wav,cat"]);
            (code, stdout, error) = Run("explain", corpus, "--pad", "--labels", labels, "--masks", "time", "--count", "32", "--examples-per-file", "1", "--no-figures", "-o", Path.Combine(root, "padded"));
            Assert.True(code == 0, error);
            Assert.Contains("classes cat, dog, tone", stdout, StringComparison.Ordinal);
            Assert.Contains(File.ReadAllLines(Path.Combine(root, "padded", "index.csv")), l => l.Contains(",cat/SHORT,0,0,tone,time,32,", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(root, "padded", "dog", "rex", "example-000", "time", "saliency.png")));
            Assert.True(File.Exists(Path.Combine(root, "padded", "dog", "rex", "example-000", "time", "thumb.png")));
        });
    }

    [Fact]
    public void A_recording_explained_alone_equals_its_folder_from_a_corpus_run_bit_for_bit()
    {
        InTempFolder("order", root =>
        {
            var corpus = MakeCorpus(root);
            var (code, _, error) = Run("explain", corpus, "--masks", "time,random-grid", "--count", "48", "-o", Path.Combine(root, "corpus-run"));
            Assert.True(code == 0, error);
            (code, _, error) = Run("explain", Path.Combine(corpus, "dog", "fido.wav"), "--masks", "random-grid,time", "--count", "48", "-o", Path.Combine(root, "alone"));
            Assert.True(code == 0, error);
            int compared = 0;
            foreach (var example in new[] { "example-000", "example-001" })
            {
                foreach (var kind in new[] { "time", "random-grid" })
                {
                    foreach (var file in MapFiles)
                    {
                        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "corpus-run", "dog", "fido", example, kind, file)),
                            File.ReadAllBytes(Path.Combine(root, "alone", "fido", example, kind, file)));
                        compared++;
                    }
                }
            }
            Assert.Equal(20, compared);
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(root, "alone", "fido", "example-000", "time", "saliency.npy")),
                File.ReadAllBytes(Path.Combine(root, "alone", "fido", "example-001", "time", "saliency.npy")));
        });
    }

    [Fact]
    public void A_rerun_reuses_everything_and_a_rerun_with_other_settings_is_refused()
    {
        InTempFolder("rerun", root =>
        {
            var output = Path.Combine(root, "out");
            Assert.Equal(0, Run("explain", Clip, "--count", "32", "-o", output).Code);
            var (code, stdout, error) = Run("explain", Clip, "--count", "32", "-o", output);
            Assert.True(code == 0, error);
            Assert.Contains("0 example × mask kind(s) explained, 3 reused", stdout, StringComparison.Ordinal);
            // Fully reused, the recording still counts as finished: its progress line and the summary say 1 of 1.
            Assert.Contains("[1/1] synthetic-bird", error, StringComparison.Ordinal);
            using (var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json"))))
            {
                Assert.Equal(1, summary.RootElement.GetProperty("recordings").GetInt32());
            }
            (code, _, error) = Run("explain", Clip, "--count", "48", "-o", output);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("relax.count was 32, now 48", error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
        });
    }

    [Fact]
    public void A_run_killed_midway_resumes_to_the_files_of_an_uninterrupted_run()
    {
        InTempFolder("killed", root =>
        {
            var corpus = MakeCorpus(root);
            string[] settings = ["--masks", "time,frequency", "--count", "256", "--no-figures"];
            var whole = Path.Combine(root, "whole");
            var resumed = Path.Combine(root, "resumed");
            Assert.Equal(0, RunChild([corpus, .. settings, "-o", whole], killAfterUnits: null));
            RunChild([corpus, .. settings, "-o", resumed], killAfterUnits: 2);
            int finished = Directory.GetFiles(resumed, "summary.json", SearchOption.AllDirectories).Length;
            Assert.InRange(finished, 2, 11);   // killed midway: some units done, not all 12
            Assert.False(File.Exists(Path.Combine(resumed, "index.csv")));
            Assert.Equal(0, RunChild([corpus, .. settings, "-o", resumed], killAfterUnits: null));

            var files = Files(whole);
            Assert.Equal(files, Files(resumed));
            foreach (var file in files.Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)
                || (f.EndsWith(".csv", StringComparison.Ordinal) && f != "index.csv")))
            {
                Assert.True(File.ReadAllBytes(Path.Combine(whole, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, file))), file);
            }
        });
    }

    private static List<string> Files(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs <c>relax explain</c> in a child process; with <paramref name="killAfterUnits"/>, SIGKILLs it once
    /// that many units are finished (as a crash or an OOM kill would).</summary>
    private static int RunChild(string[] args, int? killAfterUnits)
    {
        var relax = Path.Combine(AppContext.BaseDirectory, "relax.dll");
        var output = args[Array.IndexOf(args, "-o") + 1];
        using var process = Process.Start(new ProcessStartInfo("dotnet", [relax, "explain", .. args]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        try
        {
            while (!process.WaitForExit(20))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "relax explain ran past 3 minutes");
                if (killAfterUnits is { } units && Directory.Exists(output)
                    && Directory.GetFiles(output, "summary.json", SearchOption.AllDirectories).Length >= units)
                {
                    process.Kill();
                    process.WaitForExit();
                    return -1;
                }
            }
            Assert.True(process.ExitCode == 0 || killAfterUnits is not null, stderr.GetAwaiter().GetResult() + stdout.GetAwaiter().GetResult());
            return process.ExitCode;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
