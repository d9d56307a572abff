namespace Relax.Waveform;

/// <summary>One example of a waveform model as RELAX explains it: its samples at the model's rate and the STFT whose
/// cells the masks silence (<see cref="WaveformRelax.Explain(IEmbedder, IMaskGenerator, RelaxOptions, WaveformExample, IProgress{RelaxProgress}?, CancellationToken)"/>).</summary>
/// <param name="Samples">The example's samples, at least <see cref="StftCells.MinimumSamples"/>.</param>
/// <param name="Cells">The transform; its frames × bins are the maps' shape.</param>
public sealed record WaveformExample(float[] Samples, StftCells Cells)
{
    /// <summary>The maps' shape: (frames, bins).</summary>
    public (int Frames, int Bins) CellShape => (Cells.Frames(Samples.Length), Cells.Bins);

    /// <summary>Checks that <paramref name="input"/> (what the maps are drawn on) has this example's cell shape.</summary>
    /// <param name="input">The example's spectrogram.</param>
    /// <param name="what">Names the example in the message.</param>
    /// <exception cref="ArgumentException">Another shape.</exception>
    public void RequireShapeOf(float[,] input, string what)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.GetLength(0), input.GetLength(1)) != CellShape)
        {
            throw new ArgumentException($"{what}: its input is {input.GetLength(0)} × {input.GetLength(1)}, its samples' cells {CellShape.Frames} × {CellShape.Bins}.", nameof(input));
        }
    }
}
