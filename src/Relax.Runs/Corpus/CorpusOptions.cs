using System.Globalization;
using Relax.Waveform;

namespace Relax.Runs;

/// <summary>Settings of <see cref="CorpusExplainer"/>, checked when set.</summary>
public sealed record CorpusOptions
{
    private readonly string _outputDirectory = "";
    private readonly IReadOnlyList<IMaskGenerator> _masks = [];
    private readonly RelaxOptions _relax = new();
    private readonly int? _examplesPerRecording;
    private readonly int? _onlyExample;
    private readonly IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    /// <summary>The setting names <see cref="Cells"/> adds to the fingerprint.</summary>
    private static readonly string[] CellSettings = ["cells.rate", "cells.window", "cells.hop", "cells.fft"];

    /// <summary>Where results go: <c>&lt;recording&gt;/example-NNN/&lt;mask kind&gt;/</c> per unit, and
    /// <c>index.csv</c>, <c>summary.json</c>, <c>distinctiveness.csv</c> and <c>class-maps/</c> at the top.</summary>
    public required string OutputDirectory
    {
        get => _outputDirectory;
        init => _outputDirectory = !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("Give an output folder.", nameof(OutputDirectory));
    }

    /// <summary>The mask kinds; every example is explained with each (unique names, at least one).</summary>
    public required IReadOnlyList<IMaskGenerator> Masks
    {
        get => _masks;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count == 0 || value.Any(m => m is null))
            {
                throw new ArgumentException("Give at least one mask generator, and no null ones.", nameof(Masks));
            }
            if (value.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != value.Count)
            {
                throw new ArgumentException($"Mask kinds must be unique: {string.Join(", ", value.Select(m => m.Name))}.", nameof(Masks));
            }
            _masks = value.ToArray();
        }
    }

    /// <summary>RELAX settings of every unit; its <see cref="RelaxOptions.Seed"/> is the corpus seed from which each
    /// unit's own seed is derived (<see cref="CorpusSeeds"/>).</summary>
    public RelaxOptions Relax
    {
        get => _relax;
        init => _relax = value ?? throw new ArgumentNullException(nameof(Relax));
    }

    /// <summary>Explain at most this many examples of each recording (the first ones); null for all.</summary>
    public int? ExamplesPerRecording
    {
        get => _examplesPerRecording;
        init => _examplesPerRecording = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ExamplesPerRecording), value, "Give at least 1.");
    }

    /// <summary>Explain only this example (0-based) of each recording; null for all. A recording without it is
    /// reported, not fatal.</summary>
    public int? OnlyExample
    {
        get => _onlyExample;
        init => _onlyExample = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(OnlyExample), value, "Give an index of 0 or more.");
    }

    /// <summary>Settings the runner cannot see but that change results (model identity, dtype, the front end's
    /// padding and hop, …), by name. With the runner's own settings they make the folder's fingerprint: a run
    /// into a folder that holds results of other settings is refused (<see cref="CorpusSettingsMismatchException"/>).</summary>
    public IReadOnlyDictionary<string, string> Settings
    {
        get => _settings;
        init => _settings = value is null ? throw new ArgumentNullException(nameof(Settings)) : new SortedDictionary<string, string>(value.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>For a waveform model: the STFT whose cells each example is explained over (<see cref="WaveformRelax"/>);
    /// every recording must then give its examples' audio (<see cref="CorpusExamples.Waveforms"/>) at the transform's
    /// rate, its inputs are the cells' power spectrograms (<see cref="StftCells.Spectrogram"/>, written as
    /// <c>spectrogram.npy</c>), and <see cref="RelaxOptions.Replacement"/> must be zero (a masked cell is silenced).
    /// Null (the default) for a log-mel model, whose inputs are explained themselves (<c>logmel.npy</c>).</summary>
    public StftCells? Cells { get; init; }

    /// <summary>The file each example's input is written to: <c>logmel.npy</c>, or <c>spectrogram.npy</c> with <see cref="Cells"/>.</summary>
    public string InputFile => Cells is null ? "logmel.npy" : "spectrogram.npy";

    /// <summary>Every setting that changes a unit's results, as the run's <see cref="RunSettings"/> in name order:
    /// <see cref="Settings"/> and the RELAX settings (<see cref="RelaxSettings.Describe"/>, with the corpus seed and the
    /// way masks are drawn from seeds). Which mask kinds and how many examples per recording are not among them: adding
    /// a kind or more examples to a finished folder extends it. Nor is the batch size: masks and convergence checks do
    /// not depend on it, so a rerun with another batch size (on another device, say) resumes.</summary>
    /// <exception cref="ArgumentException">A host setting named like a RELAX one, or with a malformed name.</exception>
    /// <remarks>With <see cref="Cells"/>, the transform's rate, window, hop and FFT size are settings too.</remarks>
    public RunSettings Fingerprint()
    {
        var settings = Settings.ToDictionary();
        if (Cells is { } c)
        {
            if (CellSettings.FirstOrDefault(Settings.ContainsKey) is { } taken)
            {
                throw new ArgumentException($"The host setting '{taken}' is named like a setting of the STFT cells.", nameof(Settings));
            }
            foreach (var (name, value) in CellSettings.Zip([c.SampleRate, c.WindowSamples, c.HopSamples, c.FftSize]))
            {
                settings[name] = value.ToString(CultureInfo.InvariantCulture);
            }
        }
        return new RunSettings(settings).Then(RelaxSettings.Describe(Relax)).Sorted();
    }
}
