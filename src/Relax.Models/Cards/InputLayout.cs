namespace Relax.Models;

/// <summary>How an exported model wants its batch of examples laid out: the axes of its input tensor.</summary>
public enum InputLayout
{
    /// <summary>Log-mel (N, 1, T, F): examples, one channel, frames, mel bands (VGGish, PANNs-style CNNs).</summary>
    BatchChannelTimeFrequency,

    /// <summary>Log-mel (N, T, F): examples, frames, mel bands.</summary>
    BatchTimeFrequency,

    /// <summary>Log-mel (N, F, T): examples, mel bands, frames (AST-style and many torchaudio front ends).</summary>
    BatchFrequencyTime,

    /// <summary>Waveform (N, S): examples, samples.</summary>
    BatchSamples,

    /// <summary>Waveform (N, 1, S): examples, one channel, samples.</summary>
    BatchChannelSamples,
}
