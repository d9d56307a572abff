namespace Relax.Models;

/// <summary>A waveform model's input, as its card states it: examples of <see cref="SamplesPerExample"/> samples at
/// <see cref="SampleRate"/>, starting every <see cref="ExampleHopSamples"/> samples.</summary>
/// <param name="Layout">(N, S) or (N, 1, S).</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="SamplesPerExample">Samples in one example (S).</param>
/// <param name="ExampleHopSamples">Samples from one example's start to the next's.</param>
public sealed record WaveformInput(InputLayout Layout, int SampleRate, int SamplesPerExample, int ExampleHopSamples) : ModelInput(Layout)
{
    /// <inheritdoc/>
    public override string Kind => "waveform";

    /// <inheritdoc/>
    public override int SampleRate { get; } = SampleRate;
}
