using Relax.IO;

namespace Relax.Runs;

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
    public ClipEvaluation? TryLoad(EvaluationItem item, string fingerprint, IReadOnlyList<string> explainers, IReadOnlyList<string> replacements) =>
        _store.TryLoad(item.Id, clip => Problem(clip, item, fingerprint, explainers, replacements) is null);

    /// <summary>What keeps a clip's results (read back, or received from elsewhere) from being this item's with these
    /// settings, or null when nothing does: the same item and label, the fingerprint, explainers and replacements,
    /// every curve, and correlations, timings and audio scores of the explainers' count.</summary>
    public static string? Problem(ClipEvaluation? clip, EvaluationItem item, string fingerprint, IReadOnlyList<string> explainers, IReadOnlyList<string> replacements)
    {
        int n = explainers.Count, expected = replacements.Count * (2 * n + 1);
        return clip is null ? "no results"
            : clip.Id != item.Id ? $"the results of '{clip.Id}'"
            : clip.Label != item.Label ? $"label {clip.Label}, the item's is {item.Label}"
            : clip.Settings != fingerprint ? $"results computed with other settings ({clip.Settings})"
            : clip.Explainers is null || !clip.Explainers.SequenceEqual(explainers) ? "other explainers"
            : clip.Replacements is null || !clip.Replacements.SequenceEqual(replacements) ? "other replacements"
            : clip.Curves is null || clip.Curves.Count != expected || clip.Curves.Any(c => c?.Curve?.Fractions is null || c.Curve.Similarity is null) ? "missing curves"
            : clip.RankCorrelation is null || clip.RankCorrelation.Count != n || clip.RankCorrelation.Any(r => r is null || r.Count != n) ? "rank correlations of the wrong shape"
            : clip.ExplainSeconds is null || clip.ExplainSeconds.Count != n ? "timings of the wrong count"
            : clip.Audio is { } audio && (audio.WithoutEvidence is null || audio.WithoutEvidence.Count != n || audio.EvidenceOnly is null || audio.EvidenceOnly.Count != n)
                ? "audio scores of the wrong count"
            : null;
    }
}
