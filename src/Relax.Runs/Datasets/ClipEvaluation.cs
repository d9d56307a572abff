using Relax.Evaluation;
namespace Relax.Runs;

/// <summary>One flipping curve of a clip: which explainer's map ordered the removal (null for the random order,
/// which no map orders) and the curve.</summary>
/// <param name="Explainer">The explainer's name, or null for <see cref="FlipOrder.Random"/>.</param>
/// <param name="Curve">The curve.</param>
public sealed record ClipCurve(string? Explainer, FlipCurve Curve);

/// <summary>Everything evaluated for one item; written as <c>clips/&lt;id&gt;/result.json</c>.</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Label">Its true class, when known.</param>
/// <param name="PredictedClass">The classifier's prediction for the unmasked input, when a classifier was given.</param>
/// <param name="Settings">The settings fingerprint the results were computed with.</param>
/// <param name="Explainers">Explainer names, in order.</param>
/// <param name="Replacements">Replacement names, in order.</param>
/// <param name="Curves">MoRF and LeRF curves per explainer × replacement, and one random curve per replacement.</param>
/// <param name="RankCorrelation">Spearman correlation between the explainers' maps, [i][j] in <paramref name="Explainers"/> order.</param>
/// <param name="ExplainSeconds">Seconds each explainer took, in <paramref name="Explainers"/> order.</param>
public sealed record ClipEvaluation(string Id, int? Label, int? PredictedClass, string Settings,
    IReadOnlyList<string> Explainers, IReadOnlyList<string> Replacements, IReadOnlyList<ClipCurve> Curves,
    IReadOnlyList<IReadOnlyList<double>> RankCorrelation, IReadOnlyList<double> ExplainSeconds)
{
    /// <summary>The curve of <paramref name="explainer"/> (ignored for random), <paramref name="replacement"/> and <paramref name="order"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such curve.</exception>
    public FlipCurve Curve(string? explainer, string replacement, FlipOrder order) =>
        Curves.FirstOrDefault(c => c.Curve.Order == order && c.Curve.Replacement == replacement && (order == FlipOrder.Random || c.Explainer == explainer))?.Curve
        ?? throw new KeyNotFoundException($"Clip {Id} has no {order} curve for explainer '{explainer}' and replacement '{replacement}'.");

    /// <summary>The clip as its <c>result.json</c> holds it (UTF-8 JSON): how a clip evaluated elsewhere travels.</summary>
    public byte[] ToJson() => ResultStore<ClipEvaluation>.Serialize(this);

    /// <summary>A clip from <see cref="ToJson"/>'s bytes.</summary>
    /// <param name="json">The bytes.</param>
    /// <exception cref="InvalidDataException">The bytes are not a clip's results.</exception>
    public static ClipEvaluation FromJson(ReadOnlySpan<byte> json) => ResultStore<ClipEvaluation>.Deserialize(json);

    /// <summary>Audio-domain scores of the maps (in <see cref="Explainers"/> order), when the item had audio and
    /// they were asked for (<see cref="DatasetEvaluationOptions.Audio"/>); else null.</summary>
    public AudioScores? Audio { get; init; }
}

/// <summary>Audio-domain faithfulness of one explainer, averaged over the clips that had audio: similarity to the
/// original audio's embedding with the evidence removed and with only the evidence kept (<see cref="AudioFaithfulness"/>).</summary>
/// <param name="Explainer">The explainer, or <c>random</c> for random cells of the same area.</param>
/// <param name="Clips">How many clips the row averages.</param>
/// <param name="WithoutEvidence">Mean similarity with the evidence removed (lower is more faithful).</param>
/// <param name="EvidenceOnly">Mean similarity with only the evidence kept (higher is more faithful).</param>
public sealed record AudioFaithfulnessRow(string Explainer, int Clips, double WithoutEvidence, double EvidenceOnly);

/// <summary>Areas under the flipping curves of one explainer and replacement, for one clip or averaged over a group.</summary>
/// <param name="Group">The clip id, a class name, or <c>all</c>.</param>
/// <param name="Explainer">The explainer.</param>
/// <param name="Replacement">The replacement.</param>
/// <param name="Clips">How many clips the row averages.</param>
/// <param name="SimilarityMorf">Area under the MoRF similarity curve (lower is more faithful).</param>
/// <param name="SimilarityLerf">Area under the LeRF similarity curve (higher is more faithful).</param>
/// <param name="SimilarityRandom">Area under the random-order similarity curve.</param>
/// <param name="ProbabilityMorf">Area under the MoRF class-probability curve, NaN without a classifier.</param>
/// <param name="ProbabilityLerf">Area under the LeRF class-probability curve, NaN without a classifier.</param>
/// <param name="ProbabilityRandom">Area under the random-order class-probability curve, NaN without a classifier.</param>
public sealed record FlipAreas(string Group, string Explainer, string Replacement, int Clips,
    double SimilarityMorf, double SimilarityLerf, double SimilarityRandom,
    double ProbabilityMorf, double ProbabilityLerf, double ProbabilityRandom)
{
    /// <summary>The MoRF−LeRF gap of the similarity curves: LeRF area − MoRF area.</summary>
    public double SimilarityGap => SimilarityLerf - SimilarityMorf;

    /// <summary>The MoRF−LeRF gap of the probability curves.</summary>
    public double ProbabilityGap => ProbabilityLerf - ProbabilityMorf;
}

/// <summary>The dataset's accuracy after removing each fraction, for one explainer, replacement and order.</summary>
/// <param name="Group">A class name, or <c>all</c>.</param>
/// <param name="Explainer">The explainer (empty for the random order).</param>
/// <param name="Replacement">The replacement.</param>
/// <param name="Order">The order.</param>
/// <param name="Fractions">Fractions removed.</param>
/// <param name="Accuracy">Share of labelled clips predicted correctly at each fraction.</param>
public sealed record AccuracyCurve(string Group, string Explainer, string Replacement, FlipOrder Order, IReadOnlyList<double> Fractions, IReadOnlyList<double> Accuracy);

/// <summary>What a dataset evaluation produced.</summary>
/// <param name="Clips">Every item's results, in dataset order.</param>
/// <param name="Computed">Items computed in this run.</param>
/// <param name="Reused">Items whose earlier results were reused.</param>
/// <param name="PerClip">Areas per clip × explainer × replacement.</param>
/// <param name="PerClass">Areas averaged per class and over all clips (group <c>all</c>).</param>
/// <param name="Accuracy">Accuracy curves per class and overall; empty without a classifier or labels.</param>
/// <param name="Explainers">Explainer names.</param>
/// <param name="MeanRankCorrelation">Spearman correlation between explainers' maps, averaged over clips (NaN entries skipped).</param>
public sealed record DatasetEvaluationSummary(IReadOnlyList<ClipEvaluation> Clips, int Computed, int Reused,
    IReadOnlyList<FlipAreas> PerClip, IReadOnlyList<FlipAreas> PerClass, IReadOnlyList<AccuracyCurve> Accuracy,
    IReadOnlyList<string> Explainers, double[,] MeanRankCorrelation)
{
    /// <summary>Audio-domain faithfulness per explainer and for random cells (last row); empty when no clip had audio scores.</summary>
    public IReadOnlyList<AudioFaithfulnessRow> Audio { get; init; } = [];
}
