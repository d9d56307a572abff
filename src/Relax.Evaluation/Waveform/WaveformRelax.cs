using Relax.Models;
using static TorchSharp.torch;

namespace Relax.Waveform;

/// <summary>
/// RELAX for a waveform model: the masks live on the STFT cells of the recording (<see cref="StftCells"/>), each
/// masked copy is the recording with the masked cells silenced and resynthesised (<see cref="StftCellEmbedder"/>), and
/// the saliency and uncertainty maps are over those cells, (frames × bins), to be drawn on a spectrogram with time and Hz
/// axes (<see cref="StftCells.FrameSeconds"/>, <see cref="StftCells.BinHz"/>). Log-mel models need none of this: their
/// masks are on their own input.
/// </summary>
public sealed class WaveformRelax
{
    private readonly AudioModel _model;
    private readonly WaveformInput _input;
    private readonly IMaskGenerator _masks;
    private readonly RelaxOptions _options;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">A waveform model (<see cref="AudioModel.Input"/> is a <see cref="WaveformInput"/>).</param>
    /// <param name="masks">The mask generator, over the (frames × bins) cells.</param>
    /// <param name="options">RELAX's options; the replacement is always zero (a masked cell is silenced).</param>
    /// <param name="stft">The transform; default <see cref="StftCells.ForRate"/> of the model's sample rate.</param>
    /// <exception cref="ArgumentException">The model does not take waveforms.</exception>
    public WaveformRelax(AudioModel model, IMaskGenerator masks, RelaxOptions? options = null, StftCells? stft = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(masks);
        _input = model.Input as WaveformInput
            ?? throw new ArgumentException($"{model.Identity} does not take waveforms; explain it with RelaxExplainer on its own input.", nameof(model));
        (_model, _masks) = (model, masks);
        _options = (options ?? new RelaxOptions()) with { Replacement = MaskReplacement.Zero };
        Stft = stft ?? StftCells.ForRate(_input.SampleRate);
    }

    /// <summary>The transform whose cells are explained.</summary>
    public StftCells Stft { get; }

    /// <summary>Explains one example: <see cref="WaveformInput.SamplesPerExample"/> samples at the model's rate.</summary>
    /// <returns>Maps over (frames × bins).</returns>
    /// <exception cref="ArgumentException">The example has another length.</exception>
    public RelaxResult Explain(ReadOnlySpan<float> samples, IProgress<RelaxProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (samples.Length != _input.SamplesPerExample)
        {
            throw new ArgumentException($"{_model.Identity} takes examples of {_input.SamplesPerExample} samples ({_input.SamplesPerExample / (double)_input.SampleRate:0.###} s at {_input.SampleRate} Hz); got {samples.Length}.", nameof(samples));
        }
        return Explain(_model.Embedder, _masks, _options, new WaveformExample(samples.ToArray(), Stft), progress, cancellationToken);
    }

    /// <summary>Explains one example of a waveform model over its STFT cells: RELAX on the cell gains of
    /// <see cref="StftCellEmbedder"/> from all ones, masked cells silenced (the replacement is always zero). The corpus
    /// runner and its cluster workers call this for every waveform unit, so a unit's maps are the same wherever it runs.</summary>
    /// <param name="model">The waveform model's embedder: (B, 1, 1, S) → (B, D).</param>
    /// <param name="masks">The mask generator, over the (frames × bins) cells.</param>
    /// <param name="options">RELAX's options; <see cref="RelaxOptions.Replacement"/> is replaced by zero.</param>
    /// <param name="example">The samples and the transform.</param>
    /// <param name="progress">Reports after every batch.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>Maps over (frames × bins).</returns>
    public static RelaxResult Explain(IEmbedder model, IMaskGenerator masks, RelaxOptions options, WaveformExample example,
        IProgress<RelaxProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(example);
        using var cells = new StftCellEmbedder(model, example.Cells, example.Samples);
        using var allKept = ones(cells.Frames, cells.Bins);
        return new RelaxExplainer(cells, masks, options with { Replacement = MaskReplacement.Zero }).Explain(allKept, progress, cancellationToken);
    }
}
