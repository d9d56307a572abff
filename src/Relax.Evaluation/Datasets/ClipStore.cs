using Relax.IO;

namespace Relax.Evaluation;

/// <summary>
/// The resumable part of a dataset evaluation, on the shared <see cref="ResultStore{T}"/>: each item's results live in
/// <c>clips/&lt;id&gt;/</c> under the output folder, maps as <c>map-&lt;explainer&gt;.npy</c> and everything else in
/// <c>result.json</c>, written atomically and last. A stored clip is reused only when it belongs to the same item and
/// was computed with the same settings fingerprint, explainers and replacements.
/// </summary>
internal sealed class ClipStore(string outputDirectory)
{
    private readonly ResultStore<ClipEvaluation> _store = new(Path.Combine(outputDirectory, "clips"), DatasetEvaluator.ResultFile);

    /// <summary>The folder of one item's results.</summary>
    public string Folder(string id) => _store.Folder(id);

    /// <summary>Writes one explainer's map of an item.</summary>
    public void WriteMap(string id, string explainer, float[,] map) => NpyFile.Write(Path.Combine(Folder(id), $"map-{explainer}.npy"), map);

    /// <summary>Marks an item finished by writing its <c>result.json</c> (atomically).</summary>
    public void Save(ClipEvaluation clip) => _store.Save(clip.Id, clip);

    /// <summary>An item's earlier results when present, readable and computed with these settings; else null.</summary>
    public ClipEvaluation? TryLoad(EvaluationItem item, string fingerprint, IReadOnlyList<string> explainers, IReadOnlyList<string> replacements)
    {
        int expected = replacements.Count * (2 * explainers.Count + 1);
        return _store.TryLoad(item.Id, clip => clip.Id == item.Id && clip.Label == item.Label && clip.Settings == fingerprint
            && clip.Explainers.SequenceEqual(explainers) && clip.Replacements.SequenceEqual(replacements)
            && clip.Curves is { } curves && curves.Count == expected && curves.All(c => c?.Curve?.Fractions is not null && c.Curve.Similarity is not null));
    }
}
