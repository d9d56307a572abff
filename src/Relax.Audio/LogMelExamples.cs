namespace Relax.Audio;

/// <summary>
/// VGGish input examples: <see cref="Count"/> × 96 frames × 64 mel bands of log-mel values, stored flat in C order
/// (the layout of the reference's <c>(n, 96, 64)</c> array and of a TorchSharp tensor of that shape).
/// </summary>
public sealed class LogMelExamples
{
    /// <summary>Frames per example (0.96 s at a 10 ms hop).</summary>
    public const int FramesPerExample = 96;

    /// <summary>Mel bands per frame.</summary>
    public const int MelBands = VGGishLogMel.MelBands;

    /// <summary>Values per example (96 × 64).</summary>
    public const int ValuesPerExample = FramesPerExample * MelBands;

    internal LogMelExamples(float[] values, int count, string sourceName, double durationSeconds, int sourceSampleRate, int paddedSamples, string? message,
        IReadOnlyList<string>? warnings = null, float[]? waveform16k = null, int exampleHopFrames = FramesPerExample, long firstExample = 0)
    {
        FirstExample = firstExample;
        _waveform16k = waveform16k ?? [];
        ExampleHopFrames = exampleHopFrames;
        Warnings = warnings ?? [];
        Values = values;
        Count = count;
        SourceName = sourceName;
        DurationSeconds = durationSeconds;
        SourceSampleRate = sourceSampleRate;
        PaddedSamples = paddedSamples;
        Message = message;
    }

    private readonly float[] _waveform16k;

    /// <summary>The index in the recording of this object's first example: 0, except for the windows after the first
    /// of <see cref="VGGishFrontEnd.FromFileInWindows"/>. Indices taken by the members (<see cref="Example"/>,
    /// <see cref="ExampleWaveform"/>, …) count from it.</summary>
    public long FirstExample { get; }


    /// <summary>The mono 16 kHz waveform the examples were computed from (with any padding), empty when unknown; for a
    /// window of a streamed recording, the part its examples cover (from example <see cref="FirstExample"/>'s start).</summary>
    public ReadOnlyMemory<float> Waveform => _waveform16k;

    /// <summary>Frames between the starts of consecutive examples.</summary>
    public int ExampleHopFrames { get; }

    /// <summary>The 15 600 samples at 16 kHz that example <paramref name="index"/>'s 96 frames cover (from
    /// <c>index × hop × 160</c>), for rendering its explanation as audio.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such example.</exception>
    /// <exception cref="InvalidOperationException">The waveform is not known (examples made from log-mel values).</exception>
    public float[] ExampleWaveform(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        long start = (long)index * ExampleHopFrames * VGGishLogMel.HopLength;
        if (start + VGGishFrontEnd.SamplesPerExample > _waveform16k.Length)
        {
            throw new InvalidOperationException($"{SourceName}: the waveform of example {index} is not known.");
        }
        return _waveform16k.AsSpan((int)start, VGGishFrontEnd.SamplesPerExample).ToArray();
    }

    /// <summary>Number of examples (0 when the audio is shorter than one example and padding is off).</summary>
    public int Count { get; }

    /// <summary>Whether there is no example; <see cref="Message"/> then says why.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>All values, <see cref="Count"/> × 96 × 64, in C order.</summary>
    public float[] Values { get; }

    /// <summary>The source (file path or the name given by the caller).</summary>
    public string SourceName { get; }

    /// <summary>Duration of the source audio in seconds. For a window of a streamed recording: the duration its header
    /// gives (PCM), or, for MPEG data, whose length is known only once decoded, the duration decoded when the window was
    /// made.</summary>
    public double DurationSeconds { get; }

    /// <summary>Sample rate of the source audio in Hz.</summary>
    public int SourceSampleRate { get; }

    /// <summary>Zero samples (at 16 kHz) appended to complete the final example; 0 unless <see cref="VGGishFrontEndOptions.PadFinalExample"/> is set.</summary>
    public int PaddedSamples { get; }

    /// <summary>Why there are no examples (audio shorter than 0.96 s) or what was padded; null otherwise.</summary>
    public string? Message { get; }

    /// <summary>Irregularities the WAVE reader tolerated (see <see cref="WavAudio.Warnings"/>); empty for a clean file or a waveform.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The shape, <c>(Count, 96, 64)</c>.</summary>
    public (int Examples, int Frames, int Bands) Shape => (Count, FramesPerExample, MelBands);

    /// <summary>The value of one example, frame and band.</summary>
    public float this[int example, int frame, int band]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(example);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(example, Count);
            ArgumentOutOfRangeException.ThrowIfNegative(frame);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, FramesPerExample);
            ArgumentOutOfRangeException.ThrowIfNegative(band);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(band, MelBands);
            return Values[(example * FramesPerExample + frame) * MelBands + band];
        }
    }

    /// <summary>One example's 96 × 64 values (frame-major).</summary>
    public ReadOnlySpan<float> Example(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Values.AsSpan(index * ValuesPerExample, ValuesPerExample);
    }

    /// <summary>A copy of one example as a <c>[96, 64]</c> (frames × mel bands) array, the shape explainers take.</summary>
    public float[,] ExampleMatrix(int index)
    {
        var example = Example(index);
        var matrix = new float[FramesPerExample, MelBands];
        example.CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref matrix[0, 0], matrix.Length));
        return matrix;
    }

    /// <summary>A copy as a <c>[Count, 96, 64]</c> array.</summary>
    public float[,,] ToArray()
    {
        var array = new float[Count, FramesPerExample, MelBands];
        Buffer.BlockCopy(Values, 0, array, 0, Values.Length * sizeof(float));
        return array;
    }
}
