using System.Diagnostics;
using System.Globalization;
using Relax.Runs;

namespace Relax.Cli;

/// <summary>Progress over a corpus: on an interactive terminal one line redrawn at most ten times a second (recordings
/// done/total, example × mask-kind units, masks/s, time left); on a redirected stream one line per finished recording.</summary>
internal sealed class CorpusProgressLine(TextWriter writer, bool interactive) : IProgress<CorpusProgress>
{
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _drawn;

    /// <summary>Units finished so far (reused included).</summary>
    public int UnitsDone { get; private set; }

    public void Report(CorpusProgress value)
    {
        UnitsDone = value.UnitsDone;
        if (!interactive)
        {
            if (value.FinishedRecording is { } line)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{value.RecordingsDone}/{Total(value)}] {line}{Eta(value)}"));
            }
            return;
        }
        if (_sinceDraw.ElapsedMilliseconds < 100 && value.FinishedRecording is null)
        {
            return;
        }
        _sinceDraw.Restart();
        _drawn = true;
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rrecordings {value.RecordingsDone}/{Total(value)} · examples × kinds {value.UnitsDone} ({value.UnitsReused} reused) · {value.MasksPerSecond:F0} masks/s{Eta(value)}   "));
    }

    /// <summary>Ends the redrawn line.</summary>
    public void Close()
    {
        if (_drawn)
        {
            writer.WriteLine();
            _drawn = false;
        }
    }

    private static string Total(CorpusProgress value) => value.RecordingsTotal?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Eta(CorpusProgress value) => value.Remaining is { } left && value.RecordingsDone < value.RecordingsTotal
        ? string.Create(CultureInfo.InvariantCulture, $" · ETA {(left.TotalHours >= 1 ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : left.ToString(@"m\:ss", CultureInfo.InvariantCulture))}")
        : "";
}
