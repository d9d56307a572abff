namespace Relax.Waveform;

/// <summary>One example of a waveform model as RELAX explains it: its samples at the model's rate and the STFT whose
/// cells the masks silence (<see cref="WaveformRelax.Explain(IEmbedder, IMaskGenerator, RelaxOptions, WaveformExample, IProgress{RelaxProgress}?, CancellationToken)"/>).</summary>
/// <param name="Samples">The example's samples, at least <see cref="StftCells.MinimumSamples"/>.</param>
/// <param name="Cells">The transform; its frames × bins are the maps' shape.</param>
public sealed record WaveformExample(float[] Samples, StftCells Cells)
{
    /// <summary>The maps' shape: (frames, bins).</summary>
    public (int Frames, int Bins) CellShape => (Cells.Frames(Samples.Length), Cells.Bins);
}
