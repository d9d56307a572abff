namespace Relax.Synthetic;

/// <summary>Settings of <see cref="AnimalSoundSynthesizer"/>, checked when set.</summary>
public sealed record SynthesizerOptions
{
    private readonly int _sampleRate = 16000;
    private readonly double _durationSeconds = 1.0;
    private readonly double _soundLevel = 0.3;
    private readonly double _backgroundLevel = 0.003;

    /// <summary>Sample rate in Hz, 16000 (VGGish's) by default; 14000 to 192000, so that 6.5 kHz chirps stay below Nyquist.</summary>
    public int SampleRate
    {
        get => _sampleRate;
        init => _sampleRate = value is >= 14000 and <= 192000 ? value : throw new ArgumentOutOfRangeException(nameof(SampleRate), value, "Use 14000 to 192000 Hz.");
    }

    /// <summary>Clip length in seconds; 1 s by default (one VGGish example needs 0.975 s: 96 hops of 10 ms plus a 25 ms window); 0.5 to 60.</summary>
    public double DurationSeconds
    {
        get => _durationSeconds;
        init => _durationSeconds = value is >= 0.5 and <= 60 ? value : throw new ArgumentOutOfRangeException(nameof(DurationSeconds), value, "Use 0.5 to 60 seconds.");
    }

    /// <summary>Peak amplitude of the animal sounds, (0, 1).</summary>
    public double SoundLevel
    {
        get => _soundLevel;
        init => _soundLevel = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(SoundLevel), value, "Use a level between 0 and 1.");
    }

    /// <summary>Standard deviation of the background noise, [0, 0.5).</summary>
    public double BackgroundLevel
    {
        get => _backgroundLevel;
        init => _backgroundLevel = value is >= 0 and < 0.5 ? value : throw new ArgumentOutOfRangeException(nameof(BackgroundLevel), value, "Use 0 to 0.5.");
    }
}
