using System.Text.Json;
using System.Text.Json.Serialization;
using Relax.IO;

namespace Relax.Evaluation;

/// <summary>
/// The resumable part of a dataset evaluation: each item's results live in <c>clips/&lt;id&gt;/</c> under the output
/// folder, maps as <c>map-&lt;explainer&gt;.npy</c> and everything else in <c>result.json</c>, written atomically and
/// last, so a clip whose <c>result.json</c> exists is complete. A stored clip is reused only when it belongs to the
/// same item and was computed with the same settings fingerprint, explainers and replacements.
/// </summary>
internal sealed class ClipStore(string outputDirectory)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The folder of one item's results.</summary>
    public string Folder(string id) => Path.Combine(outputDirectory, "clips", id);

    /// <summary>Writes one explainer's map of an item.</summary>
    public void WriteMap(string id, string explainer, float[,] map) => NpyFile.Write(Path.Combine(Folder(id), $"map-{explainer}.npy"), map);

    /// <summary>Marks an item finished by writing its <c>result.json</c> (atomically).</summary>
    public void Save(ClipEvaluation clip)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(clip, Json);
        AtomicFile.Write(Path.Combine(Folder(clip.Id), DatasetEvaluator.ResultFile), stream => stream.Write(json));
    }

    /// <summary>An item's earlier results when present, readable and computed with these settings; else null.</summary>
    public ClipEvaluation? TryLoad(EvaluationItem item, string fingerprint, IReadOnlyList<string> explainers, IReadOnlyList<string> replacements)
    {
        var path = Path.Combine(Folder(item.Id), DatasetEvaluator.ResultFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var clip = JsonSerializer.Deserialize<ClipEvaluation>(File.ReadAllBytes(path), Json);
            int expected = replacements.Count * (2 * explainers.Count + 1);
            bool valid = clip is not null && clip.Id == item.Id && clip.Label == item.Label && clip.Settings == fingerprint
                && clip.Explainers.SequenceEqual(explainers) && clip.Replacements.SequenceEqual(replacements)
                && clip.Curves is { } curves && curves.Count == expected && curves.All(c => c?.Curve?.Fractions is not null && c.Curve.Similarity is not null);
            return valid ? clip : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException)
        {
            return null;   // unreadable or from another version: redo it
        }
    }
}
