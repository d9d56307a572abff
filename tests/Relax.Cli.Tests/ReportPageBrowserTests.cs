using System.Diagnostics;
using System.Text.RegularExpressions;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary>
/// <c>report.html</c> in a real headless browser (Debian's chromium; skipped with a message where it is absent):
/// the page loads from the file system with no server, every image on it — the grids embedded in the page and every
/// example's thumbnail beside it — loads, and every example's evidence sounds (<c>--audio</c>) have players whose files
/// the browser reads. The page's own script writes the counts into <c>#image-check</c> and <c>#audio-check</c>; the
/// settings table names the model, without the console's advice about official weights.
/// </summary>
public sealed partial class ReportPageBrowserTests
{
    /// <summary>chromium on the PATH (Debian's package), or null.</summary>
    private static string? Browser() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    [SkippableFact]
    public void Every_image_of_the_report_loads_in_a_headless_browser()
    {
        var browser = Browser();
        Skip.If(browser is null, "No headless browser (apt-get install chromium): report.html not rendered.");
        InTempFolder("report", root =>
        {
            var corpus = Path.Combine(root, "corpus");
            Directory.CreateDirectory(Path.Combine(corpus, "bird"));
            Directory.CreateDirectory(Path.Combine(corpus, "cat"));
            Assert.Equal(0, Run("synth", "bird", "--seconds", "1", "-o", Path.Combine(corpus, "bird", "a b.wav")).Code);   // a space in a name
            Assert.Equal(0, Run("synth", "cat", "--seconds", "2", "-o", Path.Combine(corpus, "cat", "c.wav")).Code);
            var output = Path.Combine(root, "out");
            var (code, _, error) = Run("explain", corpus, "--masks", "time,random-grid", "--count", "16", "--no-figures", "--audio", "-o", output);
            Assert.True(code == 0, error);

            var page = new Uri(Path.Combine(output, "report.html")).AbsoluteUri;
            var dom = RunBrowser(browser!, "--dump-dom", page);
            var check = ImageCheck().Match(dom);
            Assert.True(check.Success, $"no image check in the rendered page: {dom[..Math.Min(dom.Length, 400)]}");
            int loaded = int.Parse(check.Groups["loaded"].Value, System.Globalization.CultureInfo.InvariantCulture);
            // 2 class grids + 1 saliency-by-mask grid + one thumbnail per unit (3 examples × 2 kinds).
            Assert.Equal(3 + 6, loaded);
            Assert.Equal("0", check.Groups["broken"].Value);

            // Two players per example row (evidence, and the sound without it), each reading its file beside the unit.
            Assert.Equal(2 * 6, AudioElement().Count(dom));
            Assert.Contains("src=\"bird/a_b/example-000/time/evidence.wav\"", dom, StringComparison.Ordinal);
            var sounds = AudioCheck().Match(dom);
            Assert.True(sounds.Success, $"no audio check in the rendered page: {dom[..Math.Min(dom.Length, 400)]}");
            Assert.Equal("12", sounds.Groups["loaded"].Value);
            Assert.Equal("0", sounds.Groups["broken"].Value);
            var modelRow = ModelRow().Match(dom);
            Assert.True(modelRow.Success && modelRow.Groups["identity"].Value.Contains("default model", StringComparison.Ordinal), "no model row");
            Assert.DoesNotContain("--weights", modelRow.Groups["identity"].Value, StringComparison.Ordinal);

            // A screenshot for a person to look at (kept beside the report in the temporary folder during the test).
            var screenshot = Path.Combine(root, "report.png");
            RunBrowser(browser!, $"--screenshot={screenshot}", "--window-size=1400,2400", page);
            Assert.True(new FileInfo(screenshot).Length > 10_000);
            if (Environment.GetEnvironmentVariable("RELAX_KEEP_REPORT_SCREENSHOT") is { Length: > 0 } keep)
            {
                File.Copy(screenshot, keep, overwrite: true);
            }
        });
    }

    private static string RunBrowser(string browser, params string[] args)
    {
        var profile = Path.Combine(Path.GetTempPath(), "relax-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(browser,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files", $"--user-data-dir={profile}", "--virtual-time-budget=15000", .. args])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), "the browser ran past 90 s");
            Assert.True(process.ExitCode == 0, $"{browser} exited with {process.ExitCode}: {stderr.GetAwaiter().GetResult()}");
            return stdout.GetAwaiter().GetResult();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, true);
            }
        }
    }

    [GeneratedRegex("id=\"image-check\"[^>]*data-loaded=\"(?<loaded>\\d+)\"[^>]*data-broken=\"(?<broken>\\d+)\"")]
    private static partial Regex ImageCheck();

    [GeneratedRegex("id=\"audio-check\"[^>]*data-loaded=\"(?<loaded>\\d+)\"[^>]*data-broken=\"(?<broken>\\d+)\"")]
    private static partial Regex AudioCheck();

    [GeneratedRegex("<audio [^>]*src=\"[^\"]+\\.wav\"")]
    private static partial Regex AudioElement();

    [GeneratedRegex("<tr><td>model</td><td>(?<identity>[^<]*)</td></tr>")]
    private static partial Regex ModelRow();
}
