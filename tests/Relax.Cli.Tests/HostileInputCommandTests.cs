using System.Diagnostics;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary>What a careless or hostile command line meets: one line that names the file and the option, exit code 2
/// (or 130 for Ctrl+C), quickly, before any work that cannot succeed.</summary>
public sealed class HostileInputCommandTests
{
    [Fact]
    public void A_device_as_input_is_refused_at_once()
    {
        var clock = Stopwatch.StartNew();
        AssertFailsCleanly("not a regular file", "explain", "/dev/zero");
        AssertFailsCleanly("unsupported input", "features", "/dev/zero");
        var link = Path.Combine(Path.GetTempPath(), $"relax-zero-{Guid.NewGuid():N}.wav");
        File.CreateSymbolicLink(link, "/dev/zero");
        try
        {
            AssertFailsCleanly("not a regular file", "features", link);
            AssertFailsCleanly("not a regular file", "embed", link, "-w", "/dev/zero");
        }
        finally
        {
            File.Delete(link);
        }
        // Refusals take well under a second each; reading the device would never end. Generous for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_folder_where_a_file_is_expected_is_called_a_directory()
    {
        InTempFolder("directory-input", root =>
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "adir.wav")).FullName;
            AssertFailsCleanly($"{folder}: is a directory; expected a WAV or .npy file.", "features", folder);
            AssertFailsCleanly($"{folder}: is a directory; expected a WAV or .npy file.", "embed", folder);
            AssertFailsCleanly("is a directory; give the weights file itself", "explain", Clip, "--weights", folder);
            AssertFailsCleanly($"--labels {folder}: is a directory; expected a CSV file", "explain", Clip, "--labels", folder);
            AssertFailsCleanly("no such file", "features", Path.Combine(root, "missing.wav"));
        });
    }

    [Fact]
    public void An_unwritable_output_is_refused_before_the_work()
    {
        var clock = Stopwatch.StartNew();
        var (code, output, error) = Run("explain", Clip, "--count", "100000", "-o", "/proc/relax-cannot-write-here");
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("--output /proc/relax-cannot-write-here: cannot write there", error, StringComparison.Ordinal);
        Assert.DoesNotContain("RELAX:", output, StringComparison.Ordinal);   // nothing was explained
        // Refused before the work: the 100,000 masks would take many minutes; loading the model takes a second or two.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_batch_that_cannot_fit_in_memory_is_refused_with_the_largest_that_can()
        => InTempFolder("batch", folder =>
        {
            var (code, _, error) = Run("explain", Clip, "--count", "1000000", "--batch", "1000000", "-o", folder);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Matches(@"--batch 1000000: one batch would need about [0-9.]+ GiB .* use at most [0-9]+\.", error);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });

    [Fact]
    public void Reader_warnings_are_printed_once_per_file()
        => InTempFolder("warnings", folder =>
        {
            // The bundled clip with its data chunk declared 1000 bytes longer than the file holds.
            Directory.CreateDirectory(folder);
            var bytes = File.ReadAllBytes(Clip);
            int data = bytes.AsSpan().IndexOf("data"u8);
            int size = BitConverter.ToInt32(bytes, data + 4);
            BitConverter.GetBytes(size + 1000).CopyTo(bytes, data + 4);
            var wav = Path.Combine(folder, "long.wav");
            File.WriteAllBytes(wav, bytes);
            var (code, _, error) = Run("features", wav, "-o", Path.Combine(folder, "x.npy"));
            Assert.Equal(0, code);
            var warnings = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith($"relax: warning: {wav}: ", StringComparison.Ordinal)).ToList();
            Assert.Single(warnings);
        });

    [Fact]
    public void The_first_line_of_a_long_native_message_is_shown_without_verbose()
    {
        Assert.Equal("shape mismatch (--verbose shows the rest)", RelaxCli.FirstLine("shape mismatch\nException raised from foo at bar.cpp:12\nframe #0: ..."));
        Assert.Equal("One line.", RelaxCli.FirstLine("One line."));
    }

    [Fact]
    public async Task Ctrl_c_during_explain_says_what_was_finished_and_exits_130()
    {
        var relax = Path.Combine(AppContext.BaseDirectory, "relax.dll");
        var folder = TempFolder("interrupt");
        // Through `env --default-signal=INT`: a test run started in the background by a non-interactive shell (nohup
        // … &) ignores SIGINT, and a child inherits that, so without it the signal below would never arrive.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", "dotnet", relax, "explain", Clip, "--count", "1000000", "-o", folder])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var errorTask = process.StandardError.ReadToEndAsync();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("RELAX:", StringComparison.Ordinal))
            {
            }
            Assert.NotNull(line);
            Thread.Sleep(1000);   // well into the first example
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                kill.WaitForExit();
            }
            // A hang detector, not a speed test: the run stops after the batch in flight (well under 2 s when idle).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            await process.StandardOutput.ReadToEndAsync(timeout.Token);
            Assert.Equal(RelaxCli.Interrupted, process.ExitCode);
            var error = await errorTask;
            Assert.Contains("interrupted after 0 finished example(s) × mask kind(s)", error, StringComparison.Ordinal);
            Assert.Contains("run the same command again to resume", error, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
