using System.Globalization;
using Relax.Audio;

namespace Relax.Runs;

/// <summary>Turns recordings into the items of a dataset evaluation, the way <c>relax evaluate</c> does: each WAV file's
/// VGGish examples (log-mel input and the waveform the audio-domain scores render), ids from the file's name made
/// unique across the run, and labels from the path (<see cref="ClassLabels.FromPath"/>). A recording that cannot be
/// read or is too short is reported, not thrown: one bad file does not stop an evaluation of many.</summary>
/// <remarks>Each recording is read whole into memory (an evaluation holds its clips anyway); the WAVE reader's own
/// bounds apply (see docs/untrusted-input.md).</remarks>
public sealed class RecordingClipReader
{
    private readonly IReadOnlyList<string>? _classNames;
    private readonly VGGishFrontEndOptions? _frontEnd;
    private readonly int _maxClipsPerRecording;
    private readonly (WaveformExampleReader Reader, Func<float[], float[,]> Input)? _samples;

    /// <summary>Creates a reader.</summary>
    /// <param name="classNames">The model's class names in label order, to label clips from their paths; null for
    /// unlabelled clips.</param>
    /// <param name="frontEnd">The front end's settings (padding of a short final example, hop between examples); null
    /// for VGGish's.</param>
    /// <param name="maxClipsPerRecording">The most clips one recording gives (its first examples); null for all.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxClipsPerRecording"/> is below 1.</exception>
    public RecordingClipReader(IReadOnlyList<string>? classNames = null, VGGishFrontEndOptions? frontEnd = null, int? maxClipsPerRecording = null)
    {
        if (maxClipsPerRecording is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxClipsPerRecording), maxClipsPerRecording, "A recording gives at least one clip.");
        }
        _classNames = classNames;
        _frontEnd = frontEnd;
        _maxClipsPerRecording = maxClipsPerRecording ?? int.MaxValue;
    }

    /// <summary>Creates a reader for a model whose examples are cut by samples (a waveform model, or a log-mel model with
    /// its own preprocessing): each clip's waveform is an example of <paramref name="reader"/> at the model's rate, its
    /// input made from it by <paramref name="input"/> (the STFT cells' spectrogram, or the card's log-mel analysis).</summary>
    /// <param name="reader">Cuts the model's examples.</param>
    /// <param name="input">Makes a clip's input from its samples.</param>
    /// <param name="classNames">The model's class names in label order; null for unlabelled clips.</param>
    /// <param name="maxClipsPerRecording">The most clips one recording gives (its first examples); null for all.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxClipsPerRecording"/> is below 1.</exception>
    public RecordingClipReader(WaveformExampleReader reader, Func<float[], float[,]> input, IReadOnlyList<string>? classNames = null, int? maxClipsPerRecording = null)
        : this(classNames, null, maxClipsPerRecording)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(input);
        _samples = (reader, input);
    }

    /// <summary>Reads the recordings in order, one result per file, as each is read. Ids are unique within one
    /// enumeration: a second <c>clip.wav</c> (from another folder) gives <c>clip-2-e000</c>, …; characters other than
    /// ASCII letters, digits, '-' and '_' in a name become '_'.</summary>
    /// <param name="files">The WAV files (see <see cref="WavFileSearch.Find"/>).</param>
    public IEnumerable<RecordingClips> Read(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            yield return Read(file, used);
        }
    }

    private RecordingClips Read(string file, HashSet<string> used)
    {
        if (Directory.Exists(file))
        {
            return new RecordingClips(file, [], [], $"{file}: is a directory; expected a WAV file.");
        }
        if (!File.Exists(file))
        {
            return new RecordingClips(file, [], [], $"{file}: no such file.");
        }
        List<(float[,] Input, float[] Waveform)> examples;
        IReadOnlyList<string> warnings;
        string? tooShort;
        try
        {
            (examples, warnings, tooShort) = _samples is { } samples ? BySamples(file, samples.Reader, samples.Input) : ByVGGish(file);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            return new RecordingClips(file, [], [], e.Message); // the readers' messages name the file
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RecordingClips(file, [], [], $"{file}: {e.Message}");
        }
        if (tooShort is not null)
        {
            return new RecordingClips(file, [], warnings, tooShort, TooShort: true);
        }
        int? label = _classNames is null ? null : ClassLabels.FromPath(file, _classNames);
        string stem = new(Path.GetFileNameWithoutExtension(file).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        string id = stem;
        for (int n = 2; !used.Add(id); n++)
        {
            id = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}");
        }
        var items = examples.Select((example, k) => new EvaluationItem(string.Create(CultureInfo.InvariantCulture, $"{id}-e{k:D3}"), example.Input, label)
        {
            Waveform = example.Waveform,
        }).ToList();
        return new RecordingClips(file, items, warnings, null);
    }

    /// <summary>A recording's examples by VGGish's front end, its reader's warnings, and why it has none when too short.</summary>
    private (List<(float[,], float[])>, IReadOnlyList<string>, string?) ByVGGish(string file)
    {
        var examples = new VGGishFrontEnd(_frontEnd).FromFile(file);
        return examples.IsEmpty
            ? ([], examples.Warnings, examples.Message ?? $"{file}: the recording is shorter than one VGGish example (0.96 s)")
            : (Enumerable.Range(0, Math.Min(examples.Count, _maxClipsPerRecording)).Select(k => (examples.ExampleMatrix(k), examples.ExampleWaveform(k))).ToList(), examples.Warnings, null);
    }

    /// <summary>A recording's examples cut by samples, its reader's warnings, and why it has none when too short.</summary>
    private (List<(float[,], float[])>, IReadOnlyList<string>, string?) BySamples(string file, WaveformExampleReader reader, Func<float[], float[,]> input)
    {
        var warnings = new List<string>();
        var examples = reader.Read(file, warnings.Add).Take(_maxClipsPerRecording).Select(samples => (input(samples), samples)).ToList();
        return (examples, warnings, examples.Count > 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{file}: the recording is shorter than one example of the model ({reader.SamplesPerExample / (double)reader.SampleRate:0.###} s at {reader.SampleRate} Hz)"));
    }
}
