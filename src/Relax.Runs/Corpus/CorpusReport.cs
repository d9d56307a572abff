using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relax.IO;

namespace Relax.Runs;

/// <summary>Writes a corpus run's tables and class maps: <c>index.csv</c> (one row per unit), <c>distinctiveness.csv</c>,
/// <c>class-maps/&lt;kind&gt;/&lt;label&gt;-{logmel,saliency,saliency-count,uncertainty}.npy</c> and <c>summary.json</c>,
/// each atomically.</summary>
public static class CorpusReport
{
    /// <summary>The label of recordings without one.</summary>
    public const string Unlabelled = "unlabelled";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A label as a file-name part: letters, digits, '.', '-' and '_' kept, anything else '_'.</summary>
    public static string FileSafe(string label) =>
        new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());

    /// <summary>A class map's file, relative to the output folder.</summary>
    /// <param name="maskKind">The mask kind.</param>
    /// <param name="label">The class.</param>
    /// <param name="quantity"><c>logmel</c> (a waveform model's: <c>spectrogram</c>), <c>saliency</c>, <c>saliency-count</c> or <c>uncertainty</c>.</param>
    public static string ClassMapFile(string maskKind, string label, string quantity) => $"class-maps/{maskKind}/{FileSafe(label)}-{quantity}.npy";

    /// <summary>Writes the files.</summary>
    /// <param name="summary">The run.</param>
    /// <param name="outputDirectory">The corpus folder.</param>
    /// <param name="sources">Each recording's source (file path) by id, for <c>index.csv</c>.</param>
    /// <param name="input">What the class's mean input is called in its file: <c>logmel</c>, or <c>spectrogram</c> for a waveform model.</param>
    public static void Write(CorpusSummary summary, string outputDirectory, IReadOnlyDictionary<string, string> sources, string input = "logmel")
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(sources);
        var index = new StringBuilder("file,recording,example,start_s,label,mask_kind,masks_used,seconds,status,folder,problem\n");
        foreach (var u in summary.Units)
        {
            index.Append(string.Create(CultureInfo.InvariantCulture,
                $"{CsvCell.Text(sources.GetValueOrDefault(u.Recording, u.Recording))},{CsvCell.Text(u.Recording)},{u.Example},{u.StartSeconds:0.###},{CsvCell.Text(u.Label ?? "")},{u.MaskKind},{u.MasksUsed},{u.Seconds:0.###},{Status(u.Status)},{CsvCell.Text(u.Folder)},{CsvCell.Text(u.Problem ?? "")}\n"));
        }
        WriteText(Path.Combine(outputDirectory, "index.csv"), index.ToString());

        var table = new StringBuilder("mask_kind,estimator,label,examples,split_half_r,mean_between_r,nearest_label,nearest_r\n");
        foreach (var r in summary.Distinctiveness)
        {
            table.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.MaskKind},{Estimator(r.Estimator)},{CsvCell.Text(r.Label)},{r.Examples},{Number(r.SplitHalf)},{Number(r.MeanBetween)},{CsvCell.Text(r.NearestLabel ?? "")},{Number(r.NearestCorrelation)}\n"));
        }
        WriteText(Path.Combine(outputDirectory, "distinctiveness.csv"), table.ToString());

        foreach (var c in summary.ClassMaps)
        {
            NpyFile.Write(Path.Combine(outputDirectory, ClassMapFile(c.MaskKind, c.Label, input)), c.LogMel);
            NpyFile.Write(Path.Combine(outputDirectory, ClassMapFile(c.MaskKind, c.Label, "saliency")), c.Saliency);
            NpyFile.Write(Path.Combine(outputDirectory, ClassMapFile(c.MaskKind, c.Label, "saliency-count")), c.SaliencyMaskCount);
            NpyFile.Write(Path.Combine(outputDirectory, ClassMapFile(c.MaskKind, c.Label, "uncertainty")), c.Uncertainty);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            settings = summary.Settings,
            maskKinds = summary.MaskKinds,
            recordings = summary.Recordings,
            units = summary.Units.Count(u => u.Status != CorpusUnitStatus.NoExamples),
            explained = summary.Explained,
            reused = summary.Reused,
            recordingsWithoutExamples = summary.WithoutExamples,
            elapsedSeconds = summary.Elapsed.TotalSeconds,
            masksPerSecond = summary.MasksPerSecond,
            standardisation = "each example's saliency and uncertainty maps are z-scored over their cells before class averages",
            classes = summary.ClassMaps.Select(c => new { label = c.Label, maskKind = c.MaskKind, examples = c.Examples }),
            distinctiveness = summary.Distinctiveness.Select(r => new
            {
                maskKind = r.MaskKind,
                estimator = Estimator(r.Estimator),
                label = r.Label,
                examples = r.Examples,
                splitHalf = NullIfNaN(r.SplitHalf),
                meanBetween = NullIfNaN(r.MeanBetween),
                nearestLabel = r.NearestLabel,
                nearestCorrelation = NullIfNaN(r.NearestCorrelation),
            }),
            withoutExamples = summary.Units.Where(u => u.Status == CorpusUnitStatus.NoExamples).Select(u => new { recording = u.Recording, problem = u.Problem }),
        }, Json);
        AtomicFile.Write(Path.Combine(outputDirectory, "summary.json"), s => s.Write(json));
    }

    /// <summary>The estimator's name in files: <c>mask-weight</c> or <c>mask-count</c>.</summary>
    public static string Estimator(CorpusEstimator estimator) => estimator == CorpusEstimator.MaskWeight ? "mask-weight" : "mask-count";

    private static string Status(CorpusUnitStatus status) => status switch
    {
        CorpusUnitStatus.Done => "done",
        CorpusUnitStatus.Reused => "reused",
        _ => "no-examples",
    };

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("0.####", CultureInfo.InvariantCulture);


    private static void WriteText(string path, string text) => AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)));
}
