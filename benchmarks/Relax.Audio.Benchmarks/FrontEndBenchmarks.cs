using BenchmarkDotNet.Attributes;

namespace Relax.Audio.Benchmarks;

/// <summary>
/// The front end only (waveform in memory → examples): 10 s of mono audio at 16 kHz (log-mel only) and 44.1 kHz
/// (kaiser_best resampling + log-mel). The AudioSecondsPerSecond column is the throughput.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class FrontEndBenchmarks
{
    private readonly VGGishFrontEnd _frontEnd = new();
    private float[] _waveform = [];

    [Params(16000, 44100)]
    public int SampleRate { get; set; }

    [GlobalSetup]
    public void Setup() => _waveform = Signals.Create(SampleRate);

    [Benchmark]
    public int WaveformToExamples() => _frontEnd.FromWaveform(_waveform, SampleRate).Count;
}
