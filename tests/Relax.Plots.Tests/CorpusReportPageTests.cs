using System.Text.RegularExpressions;
using Relax.Runs;

namespace Relax.Plots.Tests;

/// <summary>report.html with names a stranger chose (recording ids, labels and settings holding markup, '#', '?' and
/// spaces): every text is HTML-escaped and every link percent-encoded, so the page shows them instead of running
/// them and its links reach the files; a unit gets players only when both of its evidence sounds exist.</summary>
public sealed partial class CorpusReportPageTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Hostile = "<img src=x onerror=alert(1)> #1?";

    private static CorpusUnit Unit(string recording, string label) =>
        new(recording, label, 0, 0, "time", CorpusUnitStatus.Done, 1, 8, 8, false, null, 0.5, "f");

    private string Write(params CorpusUnit[] units)
    {
        Directory.CreateDirectory(_folder);
        var summary = new CorpusSummary(units, [], [], new Dictionary<string, string> { ["model"] = "<script>alert('model')</script>" }, ["time"],
            units.Length, TimeSpan.FromSeconds(1), 16);
        CorpusReportPage.Write(summary, _folder, [], "Report of <b>bold</b>");
        return File.ReadAllText(Path.Combine(_folder, CorpusReportPage.FileName));
    }

    [Fact]
    public void Names_are_shown_as_text_and_links_are_percent_encoded()
    {
        var html = Write(Unit($"dog/{Hostile}", "dog<b>"), Unit("cat/plain", "cat"));
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; #1?", html, StringComparison.Ordinal);
        Assert.Contains("dog&lt;b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;model&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        var links = Links().Matches(html).Select(m => m.Groups["url"].Value).Where(u => !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.Contains("cat/plain/example-000/time/", links);
        var hostile = Assert.Single(links, l => l.StartsWith("dog/", StringComparison.Ordinal));
        Assert.Equal($"dog/{Uri.EscapeDataString(Hostile)}/example-000/time/", hostile);
        Assert.All(links, l => Assert.True(l.IndexOfAny([' ', '<', '>', '#', '?', '"']) < 0, $"unencoded link {l}"));
    }

    [Fact]
    public void A_unit_gets_players_only_when_both_evidence_sounds_exist()
    {
        var both = Unit("bird/both", "bird");
        var one = Unit("bird/one", "bird");
        foreach (var (unit, files) in new[] { (both, new[] { "evidence.wav", "without-evidence.wav" }), (one, new[] { "evidence.wav" }) })
        {
            var folder = Directory.CreateDirectory(Path.Combine(_folder, unit.Folder)).FullName;
            foreach (var file in files)
            {
                File.WriteAllBytes(Path.Combine(folder, file), [0]);
            }
        }
        var html = Write(both, one);
        var players = Players().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.Equal(["bird/both/example-000/time/evidence.wav", "bird/both/example-000/time/without-evidence.wav"], players);
        Assert.Contains("<th>listen: evidence / without it</th>", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]*)\"")]
    private static partial Regex Links();

    [GeneratedRegex("<audio [^>]*src=\"(?<src>[^\"]*)\"")]
    private static partial Regex Players();
}
