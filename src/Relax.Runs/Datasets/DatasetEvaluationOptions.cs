using Relax.Evaluation;
namespace Relax.Runs;

/// <summary>One input of a dataset evaluation.</summary>
public sealed record EvaluationItem
{
    private readonly string _id = "";
    private readonly float[,] _input = new float[1, 1];
    private readonly int? _label;

    /// <summary>Creates an item.</summary>
    /// <param name="id">A unique name that is also a folder name: letters, digits, '.', '_' and '-', at most 200 characters.</param>
    /// <param name="input">The input (H, W), for example a (96 × 64) log-mel example.</param>
    /// <param name="label">The true class, when known (for accuracy curves).</param>
    public EvaluationItem(string id, float[,] input, int? label = null)
    {
        Id = id;
        Input = input;
        Label = label;
    }

    /// <summary>The item's unique name; also its output folder's name.</summary>
    public string Id
    {
        get => _id;
        init => _id = IsValidId(value) ? value : throw new ArgumentException(
            $"'{value}' is not a usable item id: use 1 to 200 letters, digits, '.', '_' or '-', not starting with '.'.", nameof(Id));
    }

    /// <summary>The input (H, W).</summary>
    public float[,] Input
    {
        get => _input;
        init => _input = value is null ? throw new ArgumentNullException(nameof(Input))
            : value.Length > 0 ? value : throw new ArgumentException("The input is empty.", nameof(Input));
    }

    /// <summary>The example's 16 kHz audio (15 600 samples, <c>LogMelExamples.ExampleWaveform</c>), when known: then
    /// its maps are also scored in the audio domain (<see cref="DatasetEvaluationOptions.Audio"/>).</summary>
    public float[]? Waveform { get; init; }

    /// <summary>The true class, or null.</summary>
    public int? Label
    {
        get => _label;
        init => _label = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Label), value, "Labels are class indices ≥ 0.");
    }

    private static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 200 && id[0] != '.' && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}

/// <summary>Settings of <see cref="DatasetEvaluator"/>, checked when set.</summary>
public sealed record DatasetEvaluationOptions
{
    private readonly string _outputDirectory = "evaluation";
    private readonly PixelFlippingOptions _flipping = new();
    private readonly IReadOnlyList<MaskReplacement> _replacements = [MaskReplacement.Mean, MaskReplacement.Min];
    private readonly RunSettings _settings = RunSettings.Empty;

    /// <summary>Where results go: <c>clips/&lt;id&gt;/</c> per item and the CSV summaries at the top.</summary>
    public string OutputDirectory
    {
        get => _outputDirectory;
        init => _outputDirectory = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Give an output directory.", nameof(OutputDirectory)) : value;
    }

    /// <summary>Step, batch size and seed of the flipping curves (their replacement is replaced by each of
    /// <see cref="Replacements"/>).</summary>
    public PixelFlippingOptions Flipping
    {
        get => _flipping;
        init => _flipping = value ?? throw new ArgumentNullException(nameof(Flipping));
    }

    /// <summary>Replacements of removed cells; every curve is evaluated with each. Default mean and min.</summary>
    public IReadOnlyList<MaskReplacement> Replacements
    {
        get => _replacements;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Any(r => r is null))
            {
                throw new ArgumentException("A replacement is null.", nameof(Replacements));
            }
            if (value.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != value.Count)
            {
                throw new ArgumentException("Replacement names must be unique.", nameof(Replacements));
            }
            _replacements = value.ToArray();
        }
    }

    /// <summary>Also replace removed cells with another item's values (<see cref="MaskReplacement.FromInput(float[,], string)"/>),
    /// named <c>other-input</c>: item k draws from item k + 1 (cyclically), so every clip is filled with real content
    /// of a different clip. Needs at least two items of the same shape.</summary>
    public bool UseOtherInputReplacement { get; init; }

    /// <summary>Audio-domain faithfulness of every map of an item with a <see cref="EvaluationItem.Waveform"/>
    /// (<see cref="AudioFaithfulness"/>, with the flipping curves' similarity); null (default) for none.</summary>
    public AudioFaithfulnessOptions? Audio { get; init; }

    /// <summary>For a waveform model: the STFT whose cells each item is explained and flipped over
    /// (<see cref="Waveform.StftCellEmbedder"/>). Every item then needs its samples at the transform's rate
    /// (<see cref="EvaluationItem.Waveform"/>; its <see cref="EvaluationItem.Input"/> is the cells' power spectrogram, for
    /// figures), the explainers are built per item on its cells (<see cref="DatasetEvaluator"/>'s factory constructor),
    /// removed cells are silenced (the only replacement is zero) and there are no audio-domain scores. Null (default)
    /// for a log-mel model.</summary>
    public Waveform.StftCells? Cells { get; init; }

    /// <summary>Class names by label index, for the CSV summaries; labels print as numbers without them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Settings the evaluator cannot see (the model, the explainers' mask counts, …), by name, in the order
    /// given; a finished clip is reused only when its settings, these included, are unchanged
    /// (<see cref="DatasetEvaluator.Fingerprint"/>). Default none.</summary>
    public RunSettings Settings
    {
        get => _settings;
        init => _settings = value ?? throw new ArgumentNullException(nameof(Settings));
    }
}

/// <summary>Progress of a dataset evaluation, reported at every stage of every item.</summary>
/// <param name="ItemsDone">Items finished (computed or reused).</param>
/// <param name="ItemsTotal">Items in the dataset.</param>
/// <param name="ItemsReused">Items whose earlier results were valid and were not redone.</param>
/// <param name="CurrentItem">The item being worked on (empty at the end).</param>
/// <param name="Stage">What is being done ("explain relax-time-frequency", "flip mean", "reused", "done").</param>
/// <param name="Elapsed">Time since the run started.</param>
public readonly record struct DatasetProgress(int ItemsDone, int ItemsTotal, int ItemsReused, string CurrentItem, string Stage, TimeSpan Elapsed);
