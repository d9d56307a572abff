using System.Diagnostics;
using System.Text;
using Relax.Runs;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary>Issue 26, the inputs and options that still slipped through: each gets one clear line (or the documented
/// behaviour), never an unexpected error, a hang, a NaN file or a spreadsheet formula.</summary>
public sealed class InputsThatSlipTests
{
    [Fact]
    public void Evaluate_without_explainers_runs_the_documented_default_list()
    {
        InTempFolder("evaluate-default", root =>
        {
            var (code, stdout, error) = Run("evaluate", "--synthetic", "1", "--count", "16", "--ig-steps", "2", "--step", "0.5", "--no-figures", "--no-audio", "--examples-per-file", "1", "-o", root);
            Assert.True(code == 0, error);
            Assert.Contains($"explainers {string.Join(", ", Relax.Attribution.AttributionMethods.Names)};", stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Evaluate_of_files_without_an_example_says_so_in_one_line()
    {
        InTempFolder("evaluate-empty", root =>
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "dog")).FullName;
            ExplainCommandTests.WriteSineWav(Path.Combine(folder, "one-sample.wav"), seconds: 1.5 / 16000); // one sample
            WriteUndecodableMp3InWav(Path.Combine(folder, "broken.wav"));
            var (code, _, error) = Run("evaluate", root, "--count", "16", "-o", Path.Combine(root, "out"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("skipped:", error, StringComparison.Ordinal);
            Assert.Contains("broken.wav", error, StringComparison.Ordinal);
            var last = error.Trim().Split('\n')[^1];
            Assert.StartsWith("relax: error: Nothing to evaluate: none of the 2 file(s) given holds a 0.96 s example", last, StringComparison.Ordinal);
            Assert.DoesNotContain("unexpected error", error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_mask_kind_named_twice_is_explained_once()
    {
        InTempFolder("masks-twice", root =>
        {
            var (code, stdout, error) = Run("explain", Clip, "--masks", "time, time,frequency", "--count", "8", "--examples-per-file", "1", "--no-figures", "-o", root);
            Assert.True(code == 0, error);
            Assert.Contains("mask kinds time, frequency.", stdout, StringComparison.Ordinal);
            Assert.Contains("2 example × mask kind(s) explained", stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_labels_file_that_is_a_device_or_a_fifo_is_refused_at_once()
    {
        var clock = Stopwatch.StartNew();
        AssertFailsCleanly("--labels /dev/zero: empty, or not a regular file", "explain", Clip, "--labels", "/dev/zero");
        InTempFolder("labels-fifo", root =>
        {
            Directory.CreateDirectory(root);
            var fifo = Path.Combine(root, "labels.csv");
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
            {
                mkfifo.WaitForExit();
                Assert.Equal(0, mkfifo.ExitCode);
            }
            AssertFailsCleanly("not a regular file", "explain", Clip, "--labels", fifo);
        });
        // Refused without reading: milliseconds; reading /dev/zero or opening a FIFO without a writer never ends.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Labels_are_read_as_csv_with_quoted_commas_and_duplicates_and_strays_are_reported()
    {
        InTempFolder("labels-csv", root =>
        {
            var corpus = Directory.CreateDirectory(Path.Combine(root, "corpus")).FullName;
            Assert.Equal(0, Run("synth", "dog", "--seconds", "1", "-o", Path.Combine(corpus, "d.wav")).Code);
            Assert.Equal(0, Run("synth", "cat", "--seconds", "1", "-o", Path.Combine(corpus, "c.wav")).Code);
            var labels = Path.Combine(corpus, "labels.csv");
            File.WriteAllLines(labels, ["path,label", "d.wav,\"quoted,comma\"", "c.wav,cat", "c.wav,kitten", "gone.wav,ghost"]);
            var (code, stdout, error) = Run("explain", corpus, "--labels", labels, "--masks", "time", "--count", "16", "--no-figures", "-o", Path.Combine(root, "out"));
            Assert.True(code == 0, error);
            Assert.Contains("classes kitten, quoted,comma", stdout, StringComparison.Ordinal);
            Assert.Contains("line 4 labels c.wav 'kitten', an earlier line 'cat'; the last one counts.", error, StringComparison.Ordinal);
            Assert.Contains("1 row(s) name no recording given", error, StringComparison.Ordinal);
            Assert.Contains("gone.wav", error, StringComparison.Ordinal);
            Assert.Contains(File.ReadAllLines(Path.Combine(root, "out", "index.csv")), l => l.Contains(",\"quoted,comma\",", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_label_that_a_spreadsheet_would_run_is_written_as_text()
    {
        InTempFolder("labels-formula", root =>
        {
            var corpus = Directory.CreateDirectory(Path.Combine(root, "corpus")).FullName;
            Assert.Equal(0, Run("synth", "dog", "--seconds", "1", "-o", Path.Combine(corpus, "d.wav")).Code);
            Assert.Equal(0, Run("synth", "cat", "--seconds", "1", "-o", Path.Combine(corpus, "c.wav")).Code);
            var labels = Path.Combine(corpus, "labels.csv");
            File.WriteAllLines(labels, ["d.wav,=cmd|' /C calc'!A0", "c.wav,@SUM(1+1)"]);
            var (code, _, error) = Run("explain", corpus, "--labels", labels, "--masks", "time", "--count", "16", "--no-figures", "-o", Path.Combine(root, "out"));
            Assert.True(code == 0, error);
            foreach (var table in new[] { "index.csv", "distinctiveness.csv" })
            {
                var cells = File.ReadAllLines(Path.Combine(root, "out", table)).Skip(1).SelectMany(l => l.Split(',')).ToList();
                Assert.DoesNotContain(cells, c => c.TrimStart('"').Length > 0 && c.TrimStart('"')[0] is '=' or '@');
                Assert.Contains(cells, c => c.Contains("'=cmd|' /C calc'!A0", StringComparison.Ordinal));
            }
        });
        Assert.Equal("-0.0012", CsvCell.Text("-0.0012"));   // a number stays a number
        Assert.Equal("'-cmd", CsvCell.Text("-cmd"));
        Assert.Equal("\"'=1,2\"", CsvCell.Text("=1,2"));
    }

    [Fact]
    public void A_folder_with_links_back_up_the_tree_is_searched_once_and_the_search_ends()
    {
        InTempFolder("link-loop", root =>
        {
            var corpus = Directory.CreateDirectory(Path.Combine(root, "corpus", "dog", "sub")).Parent!.Parent!.FullName;
            Assert.Equal(0, Run("synth", "dog", "--seconds", "1", "-o", Path.Combine(corpus, "dog", "rex.wav")).Code);
            Directory.CreateSymbolicLink(Path.Combine(corpus, "dog", "sub", "up"), "..");          // a loop
            Directory.CreateSymbolicLink(Path.Combine(corpus, "dog", "sub", "top"), corpus);        // a second loop
            var (code, stdout, error) = Run("explain", corpus, "--masks", "time", "--count", "16", "--no-figures", "-o", Path.Combine(root, "out"));
            Assert.True(code == 0, error);
            Assert.Contains("Corpus: 1 recording(s)", stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_second_run_on_a_folder_in_use_is_refused_naming_the_first()
    {
        InTempFolder("locked", root =>
        {
            using (OutputFolderLock.Take(root)) // the lock a first run holds, taken here as that run takes it
            {
                var (code, _, error) = Run("explain", Clip, "--masks", "time", "--count", "16", "--no-figures", "-o", root);
                Assert.Equal(RelaxCli.Failure, code);
                Assert.Contains($"{root} is being written by another run (process {Environment.ProcessId} on {Environment.MachineName}, since ", error, StringComparison.Ordinal);
                Assert.Single(error.Trim().Split('\n'));
            }
            // Released (as when the first run ends or dies), the folder is usable.
            var (again, _, message) = Run("explain", Clip, "--masks", "time", "--count", "16", "--no-figures", "-o", root);
            Assert.True(again == 0, message);
        });
    }

    /// <summary>A RIFF/WAVE file whose format tag says MP3 (0x0055) and whose data is not MPEG audio.</summary>
    private static void WriteUndecodableMp3InWav(string path)
    {
        var data = Enumerable.Repeat(new byte[] { 0x12, 0x34 }, 4000).SelectMany(b => b).ToArray();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write(Encoding.ASCII.GetBytes("RIFF"));
        writer.Write(4 + 8 + 18 + 8 + data.Length);
        writer.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        writer.Write(18);
        writer.Write((short)0x55);
        writer.Write((short)1);
        writer.Write(16000);
        writer.Write(2000);
        writer.Write((short)1);
        writer.Write((short)0);
        writer.Write((short)0);
        writer.Write(Encoding.ASCII.GetBytes("data"));
        writer.Write(data.Length);
        writer.Write(data);
    }
}
