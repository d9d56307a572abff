using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>What an exported model takes: <see cref="LogMelInput"/> (a log-mel spectrogram of each example) or
/// <see cref="WaveformInput"/> (its samples). Part of a <see cref="ModelCard"/>.</summary>
public abstract record ModelInput
{
    private protected ModelInput(InputLayout layout) => Layout = layout;

    /// <summary>The input's kind as the card spells it: <c>log-mel</c> or <c>waveform</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The axes of the model's input tensor.</summary>
    public InputLayout Layout { get; }

    /// <summary>The layout as the card spells it: <c>N,1,T,F</c>, <c>N,T,F</c>, <c>N,F,T</c>, <c>N,S</c> or <c>N,1,S</c>.</summary>
    public string LayoutName => ModelCardJson.LayoutText(Layout);

    /// <summary>The sample rate the model's examples are at, in Hz.</summary>
    public abstract int SampleRate { get; }

    /// <summary>One example as the embedders of Relax pass it, (1, H, W) after the batch axis: log-mel (1, T, F), a
    /// waveform (1, 1, S).</summary>
    public abstract (int Height, int Width) ExampleShape { get; }

    /// <summary>A batch of examples (B, 1, H, W) as this layout wants it.</summary>
    /// <returns>A new tensor (a view where the layout allows) the caller owns.</returns>
    public abstract Tensor Arrange(Tensor examples);
}
