using System.Globalization;
using System.Net;
using System.Text;
using Relax.IO;
using Relax.Runs;

namespace Relax.Plots;

/// <summary>
/// <c>report.html</c> of a corpus run: one static page that needs no server, script library or font from elsewhere —
/// the settings and model identity, the class grids (embedded in the page), the distinctiveness table, and a table of
/// every example with a thumbnail (<c>thumb.png</c> in its folder) that links to its folder and, when the run wrote the
/// evidence as sound (<c>relax explain --audio</c>), players for <c>evidence.wav</c> and <c>without-evidence.wav</c>.
/// </summary>
/// <remarks>A few lines of inline script count the images that loaded and write the count at the foot of the page
/// (<c>#image-check</c>), and likewise the sounds whose players could read them (<c>#audio-check</c>), so that a reader —
/// or a test in a headless browser — sees at once whether a file is missing.</remarks>
public static class CorpusReportPage
{
    /// <summary>The page's file name in the corpus folder.</summary>
    public const string FileName = "report.html";

    /// <summary>The thumbnail's file name in a unit's folder.</summary>
    public const string ThumbnailFile = "thumb.png";

    /// <summary>The sounds of a unit's evidence (<c>relax explain --audio</c>), each with its player's label: only the
    /// most salient cells, and everything but them.</summary>
    public static IReadOnlyList<(string File, string Label)> EvidenceSounds { get; } = [("evidence.wav", "evidence"), ("without-evidence.wav", "without")];

    /// <summary>Writes <c>report.html</c> atomically.</summary>
    /// <param name="summary">The run.</param>
    /// <param name="outputDirectory">The corpus folder (the grids are read from it).</param>
    /// <param name="gridFiles">The grid figures, relative to the folder (<see cref="CorpusFigures.SaveClassGrids"/>).</param>
    /// <param name="title">The page's title.</param>
    public static void Write(CorpusSummary summary, string outputDirectory, IReadOnlyList<string> gridFiles, string title)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(gridFiles);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: middle; }
            th { background: #f3f3f3; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            img.grid { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
            img.thumb { image-rendering: pixelated; display: block; }
            .note { color: #555; max-width: 60em; }
            </style></head><body>
            <h1>{{E(title)}}</h1>
            <p class="note">{{summary.Recordings}} recording(s); {{summary.Units.Count(u => u.Status != CorpusUnitStatus.NoExamples)}} example × mask-kind unit(s):
            {{summary.Explained}} explained in this run, {{summary.Reused}} reused; {{summary.WithoutExamples}} recording(s) without an example.
            Class maps average each example's saliency and uncertainty after standardising it (z-scores over its cells), so that
            clips with a higher similarity level do not dominate.</p>
            <h2>Settings</h2><table><tr><th>setting</th><th>value</th></tr>
            """);
        foreach (var (key, value) in summary.Settings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(key)}</td><td>{E(value)}</td></tr>\n");
        }
        html.Append("</table>\n<h2>Class averages</h2>\n");
        foreach (var grid in gridFiles)
        {
            var png = File.ReadAllBytes(Path.Combine(outputDirectory, grid));
            html.Append(CultureInfo.InvariantCulture, $"<p><img class=\"grid\" alt=\"{E(grid)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></p>\n");
        }

        html.Append("""
            <h2>Distinctiveness</h2>
            <p class="note">Per mask kind and estimator: how reproducible a class's average saliency is (split-half r: two halves of the
            class, correlated) against how much it resembles the other classes' (mean r, and the nearest class). A class-specific
            explanation has a split-half r well above its between-class r.</p>
            <table><tr><th>mask kind</th><th>estimator</th><th>class</th><th>examples</th><th>split-half r</th><th>mean r to others</th><th>nearest class</th><th>r</th></tr>

            """);
        foreach (var r in summary.Distinctiveness)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(r.MaskKind)}</td><td>{CorpusReport.Estimator(r.Estimator)}</td><td>{E(r.Label)}</td><td class=\"num\">{r.Examples}</td><td class=\"num\">{N(r.SplitHalf)}</td><td class=\"num\">{N(r.MeanBetween)}</td><td>{E(r.NearestLabel ?? "")}</td><td class=\"num\">{N(r.NearestCorrelation)}</td></tr>\n");
        }
        bool sounds = summary.Units.Any(u => u.Status != CorpusUnitStatus.NoExamples && HasSounds(outputDirectory, u.Folder));
        html.Append(CultureInfo.InvariantCulture,
            $"</table>\n<h2>Examples</h2>\n<table><tr><th>recording</th><th>label</th><th>example</th><th>start (s)</th><th>mask kind</th><th>masks</th><th>seconds</th><th>status</th><th>saliency</th>{(sounds ? "<th>listen: evidence / without it</th>" : "")}</tr>\n");
        foreach (var u in summary.Units)
        {
            if (u.Status == CorpusUnitStatus.NoExamples)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(u.Recording)}</td><td>{E(u.Label ?? "")}</td><td colspan=\"{(sounds ? 8 : 7)}\">no example: {E(u.Problem ?? "")}</td></tr>\n");
                continue;
            }
            var href = string.Join('/', u.Folder.Split('/').Select(Uri.EscapeDataString));
            bool thumb = File.Exists(Path.Combine(outputDirectory, u.Folder, ThumbnailFile));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"{href}/\">{E(u.Recording)}</a></td><td>{E(u.Label ?? "")}</td><td class=\"num\">{u.Example}</td><td class=\"num\">{u.StartSeconds:0.##}</td><td>{E(u.MaskKind)}</td><td class=\"num\">{u.MasksUsed}</td><td class=\"num\">{u.Seconds:0.0}</td><td>{(u.Status == CorpusUnitStatus.Reused ? "reused" : "done")}</td><td>{(thumb ? $"<a href=\"{href}/\"><img class=\"thumb\" alt=\"saliency of {E(u.Folder)}\" src=\"{href}/{ThumbnailFile}\"></a>" : "")}</td>{(sounds ? $"<td>{Players(outputDirectory, u.Folder, href)}</td>" : "")}</tr>\n");
        }
        html.Append("""
            </table>
            <p id="image-check" class="note">Checking images…</p>
            <p id="audio-check" class="note"></p>
            <script>
            window.addEventListener('load', function () {
              var images = Array.prototype.slice.call(document.images);
              var broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
              var check = document.getElementById('image-check');
              check.dataset.loaded = String(images.length - broken.length);
              check.dataset.broken = String(broken.length);
              check.textContent = broken.length === 0 ? 'All ' + images.length + ' images loaded.' : broken.length + ' of ' + images.length + ' images are missing: ' + broken.map(function (i) { return i.alt; }).join(', ');
            });
            (function () {
              var players = Array.prototype.slice.call(document.getElementsByTagName('audio'));
              var check = document.getElementById('audio-check');
              var loaded = 0, broken = [];
              function settle() {
                check.dataset.loaded = String(loaded);
                check.dataset.broken = String(broken.length);
                if (players.length > 0 && loaded + broken.length === players.length) {
                  check.textContent = broken.length === 0 ? 'All ' + players.length + ' sounds can be played.' : broken.length + ' of ' + players.length + ' sounds are missing: ' + broken.join(', ');
                }
              }
              players.forEach(function (a) {
                if (a.readyState >= 1) { loaded++; }
                else if (a.error) { broken.push(a.title); }
                else {
                  a.addEventListener('loadedmetadata', function () { loaded++; settle(); });
                  a.addEventListener('error', function () { broken.push(a.title); settle(); });
                }
              });
              settle();
            })();
            </script>
            </body></html>

            """);
        AtomicFile.Write(Path.Combine(outputDirectory, FileName), s => s.Write(Encoding.UTF8.GetBytes(html.ToString())));
    }

    private static bool HasSounds(string outputDirectory, string folder) =>
        EvidenceSounds.All(s => File.Exists(Path.Combine(outputDirectory, folder, s.File)));

    /// <summary>Players for a unit's evidence sounds (relative links; the browser reads each sound's header only until
    /// it is played), or nothing when the unit has none.</summary>
    private static string Players(string outputDirectory, string folder, string href) => HasSounds(outputDirectory, folder)
        ? string.Join("<br>", EvidenceSounds.Select(s =>
            $"<audio controls preload=\"metadata\" title=\"{E(s.Label)} of {E(folder)}\" src=\"{href}/{s.File}\"></audio>"))
        : "";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000", CultureInfo.InvariantCulture);
}
