using System.Diagnostics;
using System.Globalization;

namespace Relax.Cli;

/// <summary>A one-line progress bar with masks per second and time left, redrawn at most ten times a second on an
/// interactive terminal; on a redirected stream it writes a line at each quarter of the work instead.</summary>
internal sealed class ConsoleProgressBar(TextWriter writer, string label, bool interactive) : IProgress<RelaxProgress>
{
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private int _lastQuarter = -1;

    public void Report(RelaxProgress value)
    {
        bool done = value.MasksDone >= value.MasksTotal;
        if (interactive)
        {
            if (!done && _sinceDraw.ElapsedMilliseconds < 100)
            {
                return;
            }
            _sinceDraw.Restart();
            int filled = (int)Math.Round(value.Fraction * 24);
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{label} [{new string('#', filled)}{new string('-', 24 - filled)}] {value.MasksDone}/{value.MasksTotal} masks · {value.MasksPerSecond:F0} masks/s · ETA {value.Remaining.TotalSeconds:F1} s   "));
            if (done)
            {
                writer.WriteLine();
            }
            return;
        }
        int quarter = (int)(value.Fraction * 4);
        if (quarter > _lastQuarter)
        {
            _lastQuarter = quarter;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {value.MasksDone}/{value.MasksTotal} masks ({value.MasksPerSecond:F0} masks/s)"));
        }
    }

    /// <summary>Call when a run stops early, so the bar's line is closed.</summary>
    public void Finish()
    {
        if (interactive)
        {
            writer.WriteLine();
        }
    }
}
