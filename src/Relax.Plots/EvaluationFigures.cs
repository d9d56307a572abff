using Relax.Evaluation;
using Relax.Runs;

namespace Relax.Plots;

/// <summary>The figures of a dataset evaluation (<c>relax evaluate</c>): per clip, and the mean curves of the run.</summary>
public static class EvaluationFigures
{
    /// <summary>One clip's figures (a <see cref="ClipArtifactWriter"/>): <c>explainers.png</c>, every explainer's map
    /// beside the log-mel input, and <c>flipping-&lt;explainer&gt;.png</c>, its MoRF and LeRF curves with the random
    /// baseline for every replacement.</summary>
    /// <param name="clip">The clip's results.</param>
    /// <param name="item">The clip.</param>
    /// <param name="maps">The explainers' maps, in the order of <see cref="ClipEvaluation.Explainers"/>.</param>
    /// <param name="folder">The clip's folder.</param>
    public static void SaveClip(ClipEvaluation clip, EvaluationItem item, IReadOnlyList<float[,]> maps, string folder) =>
        SaveClip(clip, item, maps, folder, SpectrogramAxes.VGGish);

    /// <summary>One clip's figures on other axes than VGGish's (a waveform model's STFT cells,
    /// <see cref="SpectrogramAxes.Stft"/>): what <see cref="SaveClip(ClipEvaluation, EvaluationItem, IReadOnlyList{float[,]}, string)"/> writes.</summary>
    /// <param name="clip">The clip's results.</param>
    /// <param name="item">The clip.</param>
    /// <param name="maps">The explainers' maps, in the order of <see cref="ClipEvaluation.Explainers"/>.</param>
    /// <param name="folder">The clip's folder.</param>
    /// <param name="axes">The maps' axes; the input is drawn as <see cref="SpectrogramAxes.InputName"/>.</param>
    public static void SaveClip(ClipEvaluation clip, EvaluationItem item, IReadOnlyList<float[,]> maps, string folder, SpectrogramAxes axes)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(axes);
        var panels = new List<MapPanel> { new(axes.InputName, item.Input, axes.InputUnit, HeatmapColors.Magma) };
        panels.AddRange(clip.Explainers.Select((name, k) => new MapPanel(name, maps[k], "relevance")));
        MapGridFigure.Save(Path.Combine(folder, "explainers.png"), panels, axes, new MapGridStyle { Title = $"{clip.Id}: explainers compared", Columns = 3 });
        foreach (var explainer in clip.Explainers)
        {
            var curves = clip.Replacements.SelectMany(r => new[]
            {
                clip.Curve(explainer, r, FlipOrder.MostRelevantFirst), clip.Curve(explainer, r, FlipOrder.LeastRelevantFirst), clip.Curve(null, r, FlipOrder.Random),
            });
            FlippingFigure.Save(Path.Combine(folder, $"flipping-{explainer}.png"), curves, $"Pixel flipping · {explainer} · {clip.Id}");
        }
    }

    /// <summary>Per explainer, the dataset's mean similarity curves: <c>flipping-&lt;explainer&gt;.png</c> in
    /// <paramref name="folder"/>, MoRF, LeRF and random for every replacement, averaged over the clips.</summary>
    /// <param name="summary">A finished evaluation with at least one clip.</param>
    /// <param name="folder">The evaluation's output folder.</param>
    public static void SaveMeanCurves(DatasetEvaluationSummary summary, string folder)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var first = summary.Clips[0];
        foreach (var explainer in summary.Explainers)
        {
            var curves = first.Replacements.SelectMany(r => new[] { FlipOrder.MostRelevantFirst, FlipOrder.LeastRelevantFirst, FlipOrder.Random }.Select(order =>
            {
                var all = summary.Clips.Select(c => c.Curve(order == FlipOrder.Random ? null : explainer, r, order)).ToList();
                var mean = Enumerable.Range(0, all[0].Similarity.Length).Select(k => all.Average(c => c.Similarity[k])).ToArray();
                return all[0] with { Similarity = mean, ClassProbability = null, PredictedClass = null };
            })).ToList();
            FlippingFigure.Save(Path.Combine(folder, $"flipping-{explainer}.png"), curves, $"Pixel flipping · {explainer} · mean over {summary.Clips.Count} clip(s)");
        }
    }
}
