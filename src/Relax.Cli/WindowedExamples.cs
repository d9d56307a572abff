using Relax.Audio;

namespace Relax.Cli;

/// <summary>
/// The examples of a long recording as lists the corpus runner indexes, read a window at a time: the runner asks for
/// example k's input and audio in increasing k, so one window is held at a time, and a ten-hour recording is explained
/// in the memory of a ten-second one. Asking for an earlier example reads the recording again from its start.
/// </summary>
internal sealed class WindowedExamples
{
    private readonly Func<IEnumerable<LogMelExamples>> _open;
    private IEnumerator<LogMelExamples>? _windows;
    private LogMelExamples? _current;

    /// <param name="count">The recording's examples (counted by an earlier pass).</param>
    /// <param name="open">Reads the recording's windows from its start.</param>
    public WindowedExamples(int count, Func<IEnumerable<LogMelExamples>> open)
    {
        _open = open;
        Inputs = new IndexedList<float[,]>(count, k => Window(k).ExampleMatrix(Local(k)));
        Waveforms = new IndexedList<float[]>(count, k => Window(k).ExampleWaveform(Local(k)));
    }

    /// <summary>Each example's 96 × 64 log-mel values.</summary>
    public IReadOnlyList<float[,]> Inputs { get; }

    /// <summary>Each example's 15 600 samples at 16 kHz.</summary>
    public IReadOnlyList<float[]> Waveforms { get; }

    private int Local(int k) => (int)(k - _current!.FirstExample);

    private LogMelExamples Window(int k)
    {
        if (_current is not null && k < _current.FirstExample)
        {
            _windows!.Dispose();
            _windows = null;
            _current = null;
        }
        while (_current is null || k >= _current.FirstExample + _current.Count)
        {
            _windows ??= _open().GetEnumerator();
            if (!_windows.MoveNext())
            {
                throw new InvalidOperationException($"The recording gave fewer examples than the {k + 1} counted before; did it change while it was explained?");
            }
            _current = _windows.Current;
        }
        return _current;
    }
}
