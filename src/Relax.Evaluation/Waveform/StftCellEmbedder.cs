using static TorchSharp.torch;

namespace Relax.Waveform;

/// <summary>
/// One recording as an <see cref="IEmbedder"/> over its STFT cells: the input is a gain per cell (B, 1, T, F) — 1
/// keeps a cell, 0 removes it — and each row of gains is applied to the recording's STFT, turned back into a waveform
/// (inverse STFT, batched, on the device) and embedded by the waveform model. RELAX explains this embedder with an
/// all-ones input and masks that replace with zero, so every masked copy is the recording with some cells silenced.
/// </summary>
public sealed class StftCellEmbedder : IEmbedder, IDisposable
{
    private readonly IEmbedder _model;
    private readonly StftCells _stft;
    private readonly Tensor _spectrum;
    private readonly int _samples;

    /// <summary>Prepares one recording.</summary>
    /// <param name="model">The waveform model: (B, 1, 1, S) → (B, D) (an exported waveform model's embedder).</param>
    /// <param name="stft">The transform whose cells are explained.</param>
    /// <param name="samples">The recording, S samples at the model's rate.</param>
    public StftCellEmbedder(IEmbedder model, StftCells stft, ReadOnlySpan<float> samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stft);
        if (samples.Length < stft.MinimumSamples)
        {
            throw new ArgumentException($"A recording of {samples.Length} samples is shorter than the STFT takes ({stft.MinimumSamples}).", nameof(samples));
        }
        (_model, _stft, _samples) = (model, stft, samples.Length);
        using var waveform = tensor(samples.ToArray(), [1, samples.Length], device: model.Device);
        _spectrum = stft.Forward(waveform); // (1, F, T)
        Frames = (int)_spectrum.shape[2];
    }

    /// <summary>T, the recording's frames (the explained input's height).</summary>
    public int Frames { get; }

    /// <summary>F, the bins per frame (the explained input's width).</summary>
    public int Bins => _stft.Bins;

    /// <inheritdoc/>
    public Device Device => _model.Device;

    /// <inheritdoc/>
    /// <param name="inputs">Gains (B, 1, T, F).</param>
    public Tensor Embed(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 4 || inputs.shape[2] != Frames || inputs.shape[3] != Bins)
        {
            throw new ArgumentException($"Give gains (B, 1, {Frames}, {Bins}) for this recording's STFT cells; got ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        }
        using var scope = NewDisposeScope();
        var gains = inputs.squeeze(1).transpose(1, 2).to(ScalarType.Float32); // (B, F, T)
        var waveforms = _stft.Inverse(_spectrum * gains, _samples);            // (B, S)
        return _model.Embed(waveforms.reshape(waveforms.shape[0], 1, 1, _samples)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose() => _spectrum.Dispose();
}
