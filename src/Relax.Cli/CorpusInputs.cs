using System.Collections;
using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using Relax.Audio;
using Relax.Runs;
using Relax.Waveform;

namespace Relax.Cli;

/// <summary>
/// The recordings <c>relax explain</c> was given, as a corpus: every WAV file named or found under a folder (searched
/// recursively, any letter case), each with an id (its path under the folder it was found in, without the extension;
/// a file named directly: its name), a label (its parent folder's name, unless a labels file says otherwise) and a
/// content hash (SHA-256 of the file) from which its masks are seeded. Streamed: a recording is hashed and read only
/// when the runner reaches it.
/// </summary>
internal sealed class CorpusInputs : IReadOnlyCollection<CorpusRecording>
{
    /// <summary>The largest WAV file read (as the WAV reader's own ceiling).</summary>
    private const long MaxFileBytes = 2L << 30;

    private readonly List<(string Path, string Id, string Label)> _files;
    private readonly VGGishFrontEndOptions _frontEnd;
    private readonly TextWriter? _warnings;
    private readonly (WaveformExampleReader Reader, Func<float[], float[,]> Input)? _waveform;

    private CorpusInputs(List<(string, string, string)> files, VGGishFrontEndOptions frontEnd, TextWriter? warnings, (WaveformExampleReader, Func<float[], float[,]>)? waveform = null)
    {
        _files = files;
        _frontEnd = frontEnd;
        _warnings = warnings;
        _waveform = waveform;
    }

    /// <summary>The same recordings read for a waveform model: each example's samples at the model's rate, its input
    /// the power spectrogram of the cells it is explained over (<see cref="WaveformCorpusExamples"/>).</summary>
    public CorpusInputs ForWaveformModel(WaveformExampleReader reader, StftCells cells) => new(_files, _frontEnd, _warnings, (reader, x => cells.Spectrogram(x)));

    /// <summary>The same recordings read for a log-mel model whose preprocessing is not VGGish's: each example's samples
    /// at the model's rate, its input their log-mel spectrogram by <paramref name="analysis"/>.</summary>
    public CorpusInputs ForLogMelModel(WaveformExampleReader reader, LogMelSpectrogram analysis) => new(_files, _frontEnd, _warnings, (reader, x => analysis.Compute(x)));

    /// <summary>Finds the recordings.</summary>
    /// <param name="inputs">Files and folders.</param>
    /// <param name="labelsFile">A CSV of <c>path,label</c> rows (paths absolute or relative to the CSV's folder), or null.</param>
    /// <param name="frontEnd">The front end's settings.</param>
    /// <param name="warnings">Where reader warnings go.</param>
    /// <exception cref="CliException">An input does not exist, a folder holds no WAV file, two recordings would share an
    /// output folder, or the labels file is unreadable.</exception>
    public static CorpusInputs Find(IReadOnlyList<string> inputs, string? labelsFile, VGGishFrontEndOptions frontEnd, TextWriter? warnings)
    {
        var labels = labelsFile is null ? null : ReadLabels(labelsFile, warnings);
        var files = new List<(string, string, string)>();
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            bool folder = Directory.Exists(input);
            if (!folder && File.Exists(input))
            {
                // A file named on the command line must be readable at once; one found in a folder is reported in the
                // corpus's index instead, so that one bad file does not stop a corpus.
                try
                {
                    Relax.IO.InputFile.Check(input, MaxFileBytes, "a WAV file");
                }
                catch (InvalidDataException e)
                {
                    throw new CliException(e.Message, e);
                }
            }
            foreach (var file in AudioInput.WavFiles(input))
            {
                var full = Path.GetFullPath(file);
                if (!seen.Add(full))
                {
                    continue;   // named twice (a file and its folder): explained once
                }
                var relative = folder ? Path.GetRelativePath(input, file) : Path.GetFileName(file);
                var id = Id(relative);
                if (owners.TryGetValue(id, out var other))
                {
                    throw new CliException($"{file} and {other} would both be written to {id}/: give them different names, or explain them in separate runs.");
                }
                owners[id] = file;
                var label = labels is not null && labels.TryGetValue(full, out var named) ? named : Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
                files.Add((file, id, label.Length > 0 ? label : CorpusReport.Unlabelled));
            }
        }
        if (labels is not null && labels.Count > 0)
        {
            var unmatched = labels.Keys.Except(files.Select(f => Path.GetFullPath(f.Item1)), StringComparer.Ordinal).ToList();
            if (unmatched.Count == labels.Count)
            {
                throw new CliException($"{labelsFile}: none of its paths names one of the recordings given (paths are absolute or relative to the CSV's folder).");
            }
            if (unmatched.Count > 0)
            {
                warnings?.WriteLine($"relax: warning: --labels {labelsFile}: {unmatched.Count} row(s) name no recording given, e.g. {unmatched[0]}.");
            }
        }
        return new CorpusInputs(files, frontEnd, warnings);
    }

    /// <summary>Samples between example starts when read by samples (<see cref="ForWaveformModel"/>, <see cref="ForLogMelModel"/>), else 0.</summary>
    public int HopSamples => _waveform?.Reader.HopSamples ?? 0;

    /// <summary>The number of recordings.</summary>
    public int Count => _files.Count;

    /// <summary>The recordings' labels, ordinal.</summary>
    public IReadOnlyList<string> Labels => _files.Select(f => f.Label).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public IEnumerator<CorpusRecording> GetEnumerator()
    {
        foreach (var (path, id, label) in _files)
        {
            string hash;
            string? problem = null;
            try
            {
                hash = CorpusSeeds.HashFile(path, MaxFileBytes);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                hash = "unreadable";
                problem = e.Message;
            }
            yield return new CorpusRecording(id, label, hash, () => problem is null ? Load(path) : CorpusExamples.None(problem), path);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Examples per window when a recording is read.</summary>
    private const int ExamplesPerWindow = 64;

    /// <summary>The most examples of one recording held in memory (about 6 MB of log-mel values and 16 MB of audio); a
    /// longer recording is read again, a window at a time, as its examples are explained.</summary>
    private const int MaxExamplesHeld = 256;

    private CorpusExamples Load(string path)
    {
        if (_waveform is { } waveform)
        {
            return WaveformCorpusExamples.Load(path, waveform.Reader, waveform.Input, _warnings);
        }
        // A first pass counts the examples (and finds what cannot be read) in bounded memory, keeping them if few.
        var held = new List<LogMelExamples>();
        int count = 0;
        try
        {
            foreach (var window in AudioInput.Windows(path, _warnings, _frontEnd, ExamplesPerWindow))
            {
                if (window.IsEmpty)
                {
                    return CorpusExamples.None(AudioInput.NoExamples(path, window));
                }
                count = checked(count + window.Count);
                if (count <= MaxExamplesHeld)
                {
                    held.Add(window);
                }
                else
                {
                    held.Clear();
                }
            }
        }
        catch (CliException e)
        {
            return CorpusExamples.None(e.Message);
        }
        double hop = _frontEnd.ExampleHopFrames * 0.01;
        var starts = Enumerable.Range(0, count).Select(k => Math.Round(k * hop, 2)).ToList();
        if (count <= MaxExamplesHeld)
        {
            return new CorpusExamples(held.SelectMany(w => Enumerable.Range(0, w.Count).Select(w.ExampleMatrix)).ToList(), starts,
                Waveforms: held.SelectMany(w => Enumerable.Range(0, w.Count).Select(w.ExampleWaveform)).ToList());
        }
        var windowed = new WindowedExamples(count, () => AudioInput.Windows(path, null, _frontEnd, ExamplesPerWindow));
        return new CorpusExamples(windowed.Inputs, starts, Waveforms: windowed.Waveforms);
    }

    /// <summary>A recording's id from its relative path: '/' between folders, no extension, characters other than
    /// letters, digits, '.', '-' and '_' replaced by '_'.</summary>
    internal static string Id(string relativePath)
    {
        var withoutExtension = Path.ChangeExtension(relativePath, null) ?? relativePath;
        var segments = withoutExtension.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
            .Where(s => s.Length > 0)
            .Select(s => s is "." or ".." ? "_" : new string(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()));
        return string.Join('/', segments);
    }

    /// <summary>The largest labels file read: 64 MiB (about a million rows).</summary>
    private const long MaxLabelsBytes = 64L << 20;

    /// <summary>Reads <c>path,label</c> rows (an optional header <c>path,label</c>): CSV as RFC 4180 writes it, so a
    /// field with a comma is quoted (<c>d.wav,"quoted,comma"</c>). The file goes through the same checks as every
    /// input (a regular file, at most 64 MiB; a device or FIFO is refused before it is opened). A path labelled twice
    /// keeps its last label, with a warning.</summary>
    /// <remarks>Microsoft.VisualBasic's <c>TextFieldParser</c>, part of .NET, does the CSV.</remarks>
    private static Dictionary<string, string> ReadLabels(string file, TextWriter? warnings)
    {
        RelaxCli.CheckFileExists(file, "a CSV file of path,label rows", "--labels ");
        try
        {
            Relax.IO.InputFile.Check(file, MaxLabelsBytes, "a CSV file of path,label rows");
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"--labels {e.Message}", e);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        using var parser = new TextFieldParser(file) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        bool first = true;
        while (!parser.EndOfData)
        {
            long number = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--labels {file}: line {e.LineNumber} is not valid CSV (an unclosed quote?)."), e);
            }
            bool header = first && fields is [var p, var l] && p.Equals("path", StringComparison.OrdinalIgnoreCase) && l.Equals("label", StringComparison.OrdinalIgnoreCase);
            first = false;
            if (fields is null || header || fields.All(string.IsNullOrEmpty))
            {
                continue;
            }
            if (fields is not [var path, var label] || path.Length == 0)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--labels {file}: line {number} has {fields.Length} field(s); expected path,label (quote a field that holds a comma)."));
            }
            var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(folder, path));
            if (labels.TryGetValue(full, out var earlier) && earlier != label)
            {
                warnings?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"relax: warning: --labels {file}: line {number} labels {path} '{label}', an earlier line '{earlier}'; the last one counts."));
            }
            labels[full] = label;
        }
        return labels;
    }
}
