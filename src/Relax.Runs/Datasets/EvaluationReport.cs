using System.Globalization;
using System.Text;
using Relax.Evaluation;
using Relax.IO;

namespace Relax.Runs;

/// <summary>The summaries of a dataset evaluation: flipping-curve areas per clip and averaged per class (and over
/// <c>all</c> clips), accuracy curves, mean rank correlation between the explainers' maps, and their CSV files.</summary>
internal static class EvaluationReport
{
    private static string ClassName(int? label, IReadOnlyList<string>? classNames) =>
        label is not { } l ? "unlabelled" : classNames is { } names && l < names.Count ? names[l] : l.ToString(CultureInfo.InvariantCulture);

    /// <summary>Areas per clip and per class, accuracy curves and mean rank correlations of finished clips.</summary>
    public static DatasetEvaluationSummary Summarise(IReadOnlyList<ClipEvaluation> clips, int computed, int reused,
        IReadOnlyList<string> explainers, IReadOnlyList<string> replacements, IReadOnlyList<string>? classNames)
    {
        var perClip = new List<FlipAreas>();
        foreach (var clip in clips)
        {
            foreach (var explainer in explainers)
            {
                foreach (var replacement in replacements)
                {
                    FlipCurve morf = clip.Curve(explainer, replacement, FlipOrder.MostRelevantFirst), lerf = clip.Curve(explainer, replacement, FlipOrder.LeastRelevantFirst),
                        random = clip.Curve(null, replacement, FlipOrder.Random);
                    perClip.Add(new FlipAreas(clip.Id, explainer, replacement, 1, morf.SimilarityArea, lerf.SimilarityArea, random.SimilarityArea,
                        morf.ProbabilityArea, lerf.ProbabilityArea, random.ProbabilityArea));
                }
            }
        }

        var groups = clips.GroupBy(c => ClassName(c.Label, classNames)).OrderBy(g => g.Min(c => c.Label ?? int.MaxValue)).Select(g => (Name: g.Key, Ids: g.Select(c => c.Id).ToHashSet()))
            .Append(("all", clips.Select(c => c.Id).ToHashSet())).ToList();
        var perClass = new List<FlipAreas>();
        var accuracy = new List<AccuracyCurve>();
        foreach (var (name, ids) in groups)
        {
            foreach (var explainer in explainers)
            {
                foreach (var replacement in replacements)
                {
                    var rows = perClip.Where(r => ids.Contains(r.Group) && r.Explainer == explainer && r.Replacement == replacement).ToList();
                    perClass.Add(new FlipAreas(name, explainer, replacement, rows.Count, rows.Average(r => r.SimilarityMorf), rows.Average(r => r.SimilarityLerf),
                        rows.Average(r => r.SimilarityRandom), rows.Average(r => r.ProbabilityMorf), rows.Average(r => r.ProbabilityLerf), rows.Average(r => r.ProbabilityRandom)));
                }
            }
            var labelled = clips.Where(c => ids.Contains(c.Id) && c.Label is not null && c.PredictedClass is not null).ToList();
            if (labelled.Count == 0)
            {
                continue;
            }
            foreach (var replacement in replacements)
            {
                foreach (var explainer in explainers)
                {
                    foreach (var order in new[] { FlipOrder.MostRelevantFirst, FlipOrder.LeastRelevantFirst })
                    {
                        accuracy.Add(AccuracyOf(name, explainer, replacement, order, labelled));
                    }
                }
                accuracy.Add(AccuracyOf(name, "", replacement, FlipOrder.Random, labelled));
            }
        }

        var mean = new double[explainers.Count, explainers.Count];
        for (int i = 0; i < explainers.Count; i++)
        {
            for (int j = 0; j < explainers.Count; j++)
            {
                var values = clips.Select(c => c.RankCorrelation[i][j]).Where(double.IsFinite).ToList();
                mean[i, j] = values.Count > 0 ? values.Average() : double.NaN;
            }
        }
        return new DatasetEvaluationSummary(clips, computed, reused, perClip, perClass, accuracy, explainers, mean) { Audio = AudioRows(clips, explainers) };
    }

    /// <summary>Audio-domain scores averaged over the clips that have them: one row per explainer, then <c>random</c>.</summary>
    private static List<AudioFaithfulnessRow> AudioRows(IReadOnlyList<ClipEvaluation> clips, IReadOnlyList<string> explainers)
    {
        var scored = clips.Where(c => c.Audio is { } a && a.WithoutEvidence.Count == explainers.Count && a.EvidenceOnly.Count == explainers.Count).Select(c => c.Audio!).ToList();
        if (scored.Count == 0)
        {
            return [];
        }
        var rows = explainers.Select((name, i) => new AudioFaithfulnessRow(name, scored.Count, scored.Average(a => a.WithoutEvidence[i]), scored.Average(a => a.EvidenceOnly[i]))).ToList();
        rows.Add(new AudioFaithfulnessRow("random", scored.Count, scored.Average(a => a.WithoutRandom), scored.Average(a => a.RandomOnly)));
        return rows;
    }

    private static AccuracyCurve AccuracyOf(string group, string explainer, string replacement, FlipOrder order, List<ClipEvaluation> labelled)
    {
        var curves = labelled.Select(c => (c.Curve(explainer, replacement, order), c.Label!.Value)).ToList();
        return new AccuracyCurve(group, explainer, replacement, order, curves[0].Item1.Fractions, CurveArea.Accuracy(curves));
    }

    /// <summary>Writes <c>per-clip.csv</c>, <c>per-class.csv</c>, <c>accuracy.csv</c>, <c>rank-correlation.csv</c> and,
    /// when clips have audio-domain scores, <c>audio-faithfulness.csv</c> into <paramref name="outputDirectory"/>, each atomically.</summary>
    public static void Write(DatasetEvaluationSummary summary, string outputDirectory, IReadOnlyList<string>? classNames)
    {
        var labels = summary.Clips.ToDictionary(c => c.Id, c => (Class: ClassName(c.Label, classNames), Predicted: c.PredictedClass is { } p ? ClassName(p, classNames) : ""));
        const string areaColumns = "explainer,replacement,auc_morf,auc_lerf,auc_random,gap_lerf_minus_morf,prob_auc_morf,prob_auc_lerf,prob_auc_random,prob_gap";
        var perClip = new StringBuilder($"clip,class,predicted,{areaColumns}\n");
        foreach (var r in summary.PerClip)
        {
            perClip.Append(CsvCell.Row(r.Group, labels[r.Group].Class, labels[r.Group].Predicted)).Append(',').Append(AreaCells(r)).Append('\n');
        }
        var perClass = new StringBuilder($"class,clips,{areaColumns}\n");
        foreach (var r in summary.PerClass)
        {
            perClass.Append(CsvCell.Row(r.Group, r.Clips.ToString(CultureInfo.InvariantCulture))).Append(',').Append(AreaCells(r)).Append('\n');
        }
        var accuracy = new StringBuilder("class,explainer,replacement,order,fraction,accuracy\n");
        foreach (var a in summary.Accuracy)
        {
            for (int k = 0; k < a.Fractions.Count; k++)
            {
                accuracy.Append(CsvCell.Row(a.Group, a.Explainer, a.Replacement, DatasetEvaluator.OrderName(a.Order), Number(a.Fractions[k]), Number(a.Accuracy[k]))).Append('\n');
            }
        }
        var correlation = new StringBuilder("explainer," + string.Join(',', summary.Explainers) + "\n");
        for (int i = 0; i < summary.Explainers.Count; i++)
        {
            correlation.Append(summary.Explainers[i]);
            for (int j = 0; j < summary.Explainers.Count; j++)
            {
                correlation.Append(',').Append(Number(summary.MeanRankCorrelation[i, j]));
            }
            correlation.Append('\n');
        }
        var files = new List<(string, StringBuilder)> { ("per-clip.csv", perClip), ("per-class.csv", perClass), ("accuracy.csv", accuracy), ("rank-correlation.csv", correlation) };
        if (summary.Audio.Count > 0)
        {
            var audio = new StringBuilder("explainer,clips,similarity_without_evidence,similarity_evidence_only\n");
            foreach (var row in summary.Audio)
            {
                audio.Append(CsvCell.Row(row.Explainer, row.Clips.ToString(CultureInfo.InvariantCulture), Number(row.WithoutEvidence), Number(row.EvidenceOnly))).Append('\n');
            }
            files.Add(("audio-faithfulness.csv", audio));
        }
        foreach (var (name, text) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            AtomicFile.Write(Path.Combine(outputDirectory, name), stream => stream.Write(bytes));
        }
    }

    private static string AreaCells(FlipAreas r) => CsvCell.Row(r.Explainer, r.Replacement, Number(r.SimilarityMorf), Number(r.SimilarityLerf), Number(r.SimilarityRandom),
        Number(r.SimilarityGap), Number(r.ProbabilityMorf), Number(r.ProbabilityLerf), Number(r.ProbabilityRandom), Number(r.ProbabilityGap));

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : "";

}
