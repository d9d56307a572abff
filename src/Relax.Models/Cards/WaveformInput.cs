using static TorchSharp.torch;

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

    /// <inheritdoc/>
    public override (int Height, int Width) ExampleShape => (1, SamplesPerExample);

    /// <summary>A batch of waveforms (B, 1, 1, S), as this layout wants it: (B, S) or (B, 1, S).</summary>
    /// <returns>A new tensor (a view) the caller owns.</returns>
    public override Tensor Arrange(Tensor examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Layout == InputLayout.BatchSamples ? examples.flatten(1) : examples.flatten(2);
    }
}
