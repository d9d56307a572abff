using System.Globalization;

namespace Relax.Audio;

/// <summary>
/// The VGGish front end as a pipeline that takes mono audio a block at a time: resampled to 16 kHz as it arrives
/// (<see cref="KaiserSincResampler.ResamplingStream"/>), then cut into log-mel examples, handed out in windows of a
/// fixed number of examples. Holds only the audio the next window needs, so a ten-hour recording costs the memory of
/// a ten-second one. With one window (<see cref="WholeRecording"/>) it is the whole-recording front end; the values
/// are the same bits either way, since every frame and every resampled sample reads the same inputs.
/// </summary>
internal sealed class ExampleFramer
{
    /// <summary>Windows of this many examples hold the whole recording in one.</summary>
    public const int WholeRecording = int.MaxValue;

    private readonly VGGishFrontEndOptions _options;
    private readonly string _sourceName;
    private readonly int _sampleRate;
    private readonly int _examplesPerWindow;
    private readonly double? _knownDuration;
    private readonly IReadOnlyList<string>? _warnings;
    private readonly KaiserSincResampler.ResamplingStream? _resampler;
    private readonly SampleBuffer _audio = new();
    private long _sourceSamples;
    private long _next;
    private bool _finished;

    /// <summary>Starts framing a recording.</summary>
    /// <param name="options">The front end's settings.</param>
    /// <param name="sourceName">Names the source in messages.</param>
    /// <param name="sampleRate">The rate of the mono samples that will be pushed.</param>
    /// <param name="examplesPerWindow">Examples per window; <see cref="WholeRecording"/> for one window.</param>
    /// <param name="knownDurationSeconds">The recording's duration when its header tells, for the windows before the last.</param>
    /// <param name="warnings">What the reader tolerated, carried by every window.</param>
    public ExampleFramer(VGGishFrontEndOptions options, string sourceName, int sampleRate, int examplesPerWindow, double? knownDurationSeconds = null,
        IReadOnlyList<string>? warnings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerWindow, 1);
        (_options, _sourceName, _sampleRate, _examplesPerWindow, _knownDuration, _warnings) = (options, sourceName, sampleRate, examplesPerWindow, knownDurationSeconds, warnings);
        _resampler = sampleRate == VGGishLogMel.SampleRate ? null : options.Resampler.Open(sampleRate, VGGishLogMel.SampleRate);
    }

    private int Hop => _options.ExampleHopFrames;

    private long HopSamples => (long)Hop * VGGishLogMel.HopLength;

    /// <summary>Adds mono samples; windows they complete are added to <paramref name="windows"/>.</summary>
    /// <exception cref="ArgumentException">A sample is NaN or infinite.</exception>
    public void Push(ReadOnlySpan<float> mono, ICollection<LogMelExamples> windows)
    {
        for (int i = 0; i < mono.Length; i++)
        {
            if (!float.IsFinite(mono[i]))
            {
                throw new ArgumentException($"{_sourceName}: sample {_sourceSamples + i} is {mono[i]}; audio samples must be finite.", nameof(mono));
            }
        }
        _sourceSamples += mono.Length;
        if (_examplesPerWindow == WholeRecording && _sourceSamples * (double)VGGishLogMel.SampleRate / _sampleRate > Array.MaxLength - (1 << 20))
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"{_sourceName}: more than {Duration:0} s of audio, more samples at 16 kHz than one array holds; read it a window at a time ({nameof(VGGishFrontEnd)}.{nameof(VGGishFrontEnd.FromFileInWindows)})."));
        }
        if (_resampler is null)
        {
            _audio.Append(mono);
        }
        else
        {
            _resampler.Push(mono, _audio);
        }
        if (_examplesPerWindow == WholeRecording)
        {
            return;
        }
        long available = Examples(_audio.End);
        while (available - _next >= _examplesPerWindow)
        {
            windows.Add(Window(_next, _examplesPerWindow, 0, null));
        }
    }

    /// <summary>Ends the recording: the remaining examples (with the final one padded when the settings say so), or, when
    /// the recording gave none, one empty window whose <see cref="LogMelExamples.Message"/> says why.</summary>
    /// <exception cref="AudioTooShortException">No example and <see cref="VGGishFrontEndOptions.RequireExamples"/> is set.</exception>
    public void Finish(ICollection<LogMelExamples> windows)
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        _resampler?.Finish(_audio);
        long length = _audio.End;
        long examples = Examples(length);
        int padded = 0;
        string? message = null;
        if (_options.PadFinalExample && length > 0)
        {
            long frames = VGGishLogMel.FrameCount(length);
            long covered = examples == 0 ? 0 : LogMelExamples.FramesPerExample + (examples - 1) * Hop;
            if (frames > covered || examples == 0)
            {
                examples++;
                long needed = VGGishFrontEnd.SamplesPerExample + (examples - 1) * HopSamples;
                padded = (int)Math.Max(0, needed - length);
                _audio.AppendZeros(padded);
                message = string.Create(CultureInfo.InvariantCulture, $"{_sourceName}: {padded} samples of silence (at 16 kHz) were appended to complete the final example.");
            }
        }
        if (examples == 0)
        {
            message = string.Create(CultureInfo.InvariantCulture,
                $"{_sourceName}: {Duration:0.###} s of audio is shorter than one VGGish example (0.96 s, {VGGishFrontEnd.SamplesPerExample} samples at 16 kHz), so no example was produced. Set {nameof(VGGishFrontEndOptions.PadFinalExample)} to pad it with silence.");
            if (_options.RequireExamples)
            {
                throw new AudioTooShortException(message);
            }
            windows.Add(new LogMelExamples([], 0, _sourceName, Duration, _sampleRate, 0, message, _warnings));
            return;
        }
        while (_next < examples)
        {
            int count = (int)Math.Min(examples - _next, _examplesPerWindow);
            bool last = _next + count == examples;
            windows.Add(Window(_next, count, last ? padded : 0, last ? message : null));
        }
    }

    private double Duration => (double)_sourceSamples / _sampleRate;

    private long Examples(long samples16k)
    {
        long frames = samples16k < VGGishLogMel.WindowLength ? 0 : 1 + (samples16k - VGGishLogMel.WindowLength) / VGGishLogMel.HopLength;
        return frames < LogMelExamples.FramesPerExample ? 0 : 1 + (frames - LogMelExamples.FramesPerExample) / Hop;
    }

    private LogMelExamples Window(long first, int count, int padded, string? message)
    {
        int usedFrames = checked(LogMelExamples.FramesPerExample + (count - 1) * Hop);
        long start = first * HopSamples;
        int span = (usedFrames - 1) * VGGishLogMel.HopLength + VGGishLogMel.WindowLength;
        var logMel = new float[checked(usedFrames * LogMelExamples.MelBands)];
        VGGishLogMel.Compute(_audio.Slice(start, span), logMel, usedFrames);
        float[] values;
        if (Hop == LogMelExamples.FramesPerExample)
        {
            values = logMel; // consecutive examples are consecutive frames
        }
        else
        {
            values = new float[checked(count * LogMelExamples.ValuesPerExample)];
            for (int e = 0; e < count; e++)
            {
                logMel.AsSpan(e * Hop * LogMelExamples.MelBands, LogMelExamples.ValuesPerExample)
                    .CopyTo(values.AsSpan(e * LogMelExamples.ValuesPerExample));
            }
        }
        bool whole = _examplesPerWindow == WholeRecording;
        // One window of the whole recording keeps all its audio (with the tail after the last example and any padding),
        // as the whole-recording front end always has; a window of a stream keeps the audio its examples cover.
        var waveform = whole
            ? _audio.Items.ToArray()
            : _audio.Slice(start, (int)((count - 1) * HopSamples + VGGishFrontEnd.SamplesPerExample)).ToArray();
        double duration = _finished ? Duration : _knownDuration ?? Duration;
        _next = first + count;
        if (!whole)
        {
            _audio.DropBefore(_next * HopSamples);
        }
        return new LogMelExamples(values, count, _sourceName, duration, _sampleRate, padded, message, _warnings, waveform, Hop, first);
    }
}
