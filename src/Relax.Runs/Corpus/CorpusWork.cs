using Relax.Waveform;

namespace Relax.Runs;

/// <summary>One unit of a corpus as an executor sees it: an example, a mask kind and the unit's own seed
/// (<see cref="CorpusSeeds.ForExample"/>).</summary>
/// <param name="UnitId">The unit's folder under the output, <c>&lt;recording&gt;/example-NNN/&lt;kind&gt;</c>: unique in the corpus.</param>
/// <param name="Input">The example as the maps are drawn on: for a log-mel model its input (VGGish: 96 × 64), for a
/// waveform model the power spectrogram of <paramref name="Waveform"/>'s cells (frames × bins).</param>
/// <param name="MaskKind">The mask generator's name (<see cref="IMaskGenerator.Name"/>).</param>
/// <param name="Seed">The unit's seed.</param>
/// <param name="Waveform">For a waveform model, the example's samples and the STFT whose cells are explained
/// (<see cref="WaveformRelax"/>); null for a log-mel model, whose input is explained itself.</param>
public sealed record CorpusWork(string UnitId, float[,] Input, string MaskKind, long Seed, WaveformExample? Waveform = null);
