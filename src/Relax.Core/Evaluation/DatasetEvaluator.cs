using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relax.Attribution;
using Relax.Classification;
using Relax.IO;

namespace Relax.Evaluation;

/// <summary>Writes extra files for a freshly computed clip (figures, for example) into its folder before the clip is
/// marked finished, so that a clip counted as done always has them.</summary>
/// <param name="clip">The clip's results.</param>
/// <param name="item">The item.</param>
/// <param name="maps">The explainers' maps, in <see cref="ClipEvaluation.Explainers"/> order.</param>
/// <param name="folder">The clip's folder.</param>
public delegate void ClipArtifactWriter(ClipEvaluation clip, EvaluationItem item, IReadOnlyList<float[,]> maps, string folder);

/// <summary>
/// Explains and evaluates many inputs in one go: every explainer's map of every item, then pixel-flipping curves
/// (most relevant first, least relevant first, random) with every replacement, scored by cosine similarity and, with
/// a classifier, class probability and accuracy. Resumable: each item's results go to <c>clips/&lt;id&gt;/</c>
/// (maps as <c>map-&lt;explainer&gt;.npy</c>, curves in <c>result.json</c>, written atomically and last); an item
/// whose <c>result.json</c> is present, readable and computed with the same settings is not redone. At the end the
/// CSV summaries are (re)written from all items: <c>per-clip.csv</c>, <c>per-class.csv</c>, <c>accuracy.csv</c>
/// and <c>rank-correlation.csv</c>.
/// </summary>
public sealed class DatasetEvaluator
{
    /// <summary>Name of the replacement drawn from another item.</summary>
    public const string OtherInputReplacement = "other-input";

    /// <summary>Name of each clip's results file.</summary>
    public const string ResultFile = "result.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IEmbedder _embedder;
    private readonly IAttributionMethod[] _explainers;
    private readonly IEmbeddingClassifier? _classifier;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="embedder">The model whose representation is evaluated.</param>
    /// <param name="explainers">The explainers to compare (unique names).</param>
    /// <param name="options">Output folder, flipping settings and replacements.</param>
    /// <param name="classifier">A classifier head for probability and accuracy curves; null for similarity curves only.</param>
    public DatasetEvaluator(IEmbedder embedder, IReadOnlyList<IAttributionMethod> explainers, DatasetEvaluationOptions options, IEmbeddingClassifier? classifier = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        ArgumentNullException.ThrowIfNull(explainers);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (explainers.Count == 0 || explainers.Any(e => e is null))
        {
            throw new ArgumentException("Give at least one explainer, and no null ones.", nameof(explainers));
        }
        if (explainers.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != explainers.Count)
        {
            throw new ArgumentException($"Explainer names must be unique: {string.Join(", ", explainers.Select(e => e.Name))}.", nameof(explainers));
        }
        if (options.Replacements.Count == 0 && !options.UseOtherInputReplacement)
        {
            throw new ArgumentException("Give at least one replacement.", nameof(options));
        }
        if (options.UseOtherInputReplacement && options.Replacements.Any(r => r.Name == OtherInputReplacement))
        {
            throw new ArgumentException($"The name '{OtherInputReplacement}' is reserved for the replacement drawn from another item.", nameof(options));
        }
        _explainers = explainers.ToArray();
        _classifier = classifier;
    }

    /// <summary>The settings.</summary>
    public DatasetEvaluationOptions Options { get; }

    /// <summary>Replacement names, in the order curves are evaluated.</summary>
    public IReadOnlyList<string> ReplacementNames =>
        Options.Replacements.Select(r => r.Name).Concat(Options.UseOtherInputReplacement ? [OtherInputReplacement] : []).ToArray();

    /// <summary>The folder of one item's results.</summary>
    public string ClipFolder(string id) => Path.Combine(Options.OutputDirectory, "clips", id);

    /// <summary>The fingerprint stored with every clip; a clip is reused only when it matches.</summary>
    public string Fingerprint => string.Create(CultureInfo.InvariantCulture,
        $"explainers={string.Join(',', _explainers.Select(e => e.Name))};replacements={string.Join(',', ReplacementNames)};step={Options.Flipping.StepFraction:R};seed={Options.Flipping.Seed};classifier={_classifier is not null};{Options.Settings}");

    /// <summary>Evaluates every item (reusing finished ones) and writes the summaries.</summary>
    /// <param name="items">The dataset; ids must be unique.</param>
    /// <param name="progress">Reports each stage of each item.</param>
    /// <param name="writeArtifacts">Writes extra files of a freshly computed item before it is marked finished.</param>
    /// <param name="cancellationToken">Checked between batches; finished items stay on disk, so a later run resumes.</param>
    public DatasetEvaluationSummary Run(IReadOnlyList<EvaluationItem> items, IProgress<DatasetProgress>? progress = null,
        ClipArtifactWriter? writeArtifacts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0 || items.Any(i => i is null))
        {
            throw new ArgumentException("Give at least one item, and no null ones.", nameof(items));
        }
        var duplicate = items.GroupBy(i => i.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Item ids must be unique (case-insensitively); '{duplicate.Key}' appears {duplicate.Count()} times.", nameof(items));
        }
        if (Options.UseOtherInputReplacement && items.Count < 2)
        {
            throw new ArgumentException($"The '{OtherInputReplacement}' replacement needs at least two items.", nameof(items));
        }

        var clock = Stopwatch.StartNew();
        var clips = new List<ClipEvaluation>(items.Count);
        int reused = 0;
        for (int k = 0; k < items.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var item = items[k];
            var existing = TryLoad(item);
            if (existing is not null)
            {
                clips.Add(existing);
                reused++;
                progress?.Report(new DatasetProgress(k + 1, items.Count, reused, item.Id, "reused", clock.Elapsed));
                continue;
            }
            var donor = Options.UseOtherInputReplacement ? items[(k + 1) % items.Count].Input : null;
            clips.Add(Evaluate(item, donor, stage => progress?.Report(new DatasetProgress(k, items.Count, reused, item.Id, stage, clock.Elapsed)),
                writeArtifacts, cancellationToken));
            progress?.Report(new DatasetProgress(k + 1, items.Count, reused, item.Id, "done", clock.Elapsed));
        }

        var summary = Summarise(clips, items.Count - reused, reused);
        WriteSummaries(summary);
        return summary;
    }

    /// <summary>An item's earlier results, when <c>result.json</c> is present, readable, of the same item and settings; else null.</summary>
    public ClipEvaluation? TryLoad(EvaluationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var path = Path.Combine(ClipFolder(item.Id), ResultFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var clip = JsonSerializer.Deserialize<ClipEvaluation>(File.ReadAllBytes(path), Json);
            int expected = ReplacementNames.Count * (2 * _explainers.Length + 1);
            bool valid = clip is not null && clip.Id == item.Id && clip.Label == item.Label && clip.Settings == Fingerprint
                && clip.Explainers.SequenceEqual(_explainers.Select(e => e.Name)) && clip.Replacements.SequenceEqual(ReplacementNames)
                && clip.Curves is { } curves && curves.Count == expected && curves.All(c => c?.Curve?.Fractions is not null && c.Curve.Similarity is not null);
            return valid ? clip : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException)
        {
            return null;   // unreadable or from another version: redo it
        }
    }

    private ClipEvaluation Evaluate(EvaluationItem item, float[,]? donor, Action<string> report, ClipArtifactWriter? writeArtifacts, CancellationToken cancellationToken)
    {
        var folder = ClipFolder(item.Id);
        using var input = TensorArrays.FromArray2D(item.Input);
        var maps = new List<float[,]>();
        var seconds = new List<double>();
        foreach (var explainer in _explainers)
        {
            report($"explain {explainer.Name}");
            var clock = Stopwatch.StartNew();
            var map = explainer.Attribute(input, cancellationToken);
            seconds.Add(clock.Elapsed.TotalSeconds);
            maps.Add(map);
            NpyFile.Write(Path.Combine(folder, $"map-{explainer.Name}.npy"), map);
        }

        var replacements = Options.Replacements.ToList();
        if (donor is not null)
        {
            replacements.Add(MaskReplacement.FromInput(donor, OtherInputReplacement));
        }
        var curves = new List<ClipCurve>();
        foreach (var replacement in replacements)
        {
            report($"flip {replacement.Name}");
            var flipping = new PixelFlipping(_embedder, Options.Flipping with { Replacement = replacement }, _classifier);
            for (int e = 0; e < _explainers.Length; e++)
            {
                curves.Add(new ClipCurve(_explainers[e].Name, flipping.Evaluate(input, maps[e], FlipOrder.MostRelevantFirst, cancellationToken)));
                curves.Add(new ClipCurve(_explainers[e].Name, flipping.Evaluate(input, maps[e], FlipOrder.LeastRelevantFirst, cancellationToken)));
            }
            curves.Add(new ClipCurve(null, flipping.Evaluate(input, maps[0], FlipOrder.Random, cancellationToken)));
        }

        var correlation = maps.Select(a => (IReadOnlyList<double>)maps.Select(b => RankCorrelation.Spearman(a, b)).ToArray()).ToArray();
        var clip = new ClipEvaluation(item.Id, item.Label, curves[0].Curve.PredictedClass?[0], Fingerprint,
            _explainers.Select(e => e.Name).ToArray(), replacements.Select(r => r.Name).ToArray(), curves, correlation, seconds);
        writeArtifacts?.Invoke(clip, item, maps, folder);
        var json = JsonSerializer.SerializeToUtf8Bytes(clip, Json);
        AtomicFile.Write(Path.Combine(folder, ResultFile), stream => stream.Write(json));
        return clip;
    }

    private string ClassName(int? label) =>
        label is not { } l ? "unlabelled" : Options.ClassNames is { } names && l < names.Count ? names[l] : l.ToString(CultureInfo.InvariantCulture);

    private DatasetEvaluationSummary Summarise(List<ClipEvaluation> clips, int computed, int reused)
    {
        var explainers = _explainers.Select(e => e.Name).ToArray();
        var replacements = ReplacementNames;
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

        var groups = clips.GroupBy(c => ClassName(c.Label)).OrderBy(g => g.Min(c => c.Label ?? int.MaxValue)).Select(g => (Name: g.Key, Ids: g.Select(c => c.Id).ToHashSet()))
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

        var mean = new double[explainers.Length, explainers.Length];
        for (int i = 0; i < explainers.Length; i++)
        {
            for (int j = 0; j < explainers.Length; j++)
            {
                var values = clips.Select(c => c.RankCorrelation[i][j]).Where(double.IsFinite).ToList();
                mean[i, j] = values.Count > 0 ? values.Average() : double.NaN;
            }
        }
        return new DatasetEvaluationSummary(clips, computed, reused, perClip, perClass, accuracy, explainers, mean);
    }

    private static AccuracyCurve AccuracyOf(string group, string explainer, string replacement, FlipOrder order, List<ClipEvaluation> labelled)
    {
        var curves = labelled.Select(c => (c.Curve(explainer, replacement, order), c.Label!.Value)).ToList();
        return new AccuracyCurve(group, explainer, replacement, order, curves[0].Item1.Fractions, CurveArea.Accuracy(curves));
    }

    private void WriteSummaries(DatasetEvaluationSummary summary)
    {
        var labels = summary.Clips.ToDictionary(c => c.Id, c => (Class: ClassName(c.Label), Predicted: c.PredictedClass is { } p ? ClassName(p) : ""));
        const string areaColumns = "explainer,replacement,auc_morf,auc_lerf,auc_random,gap_lerf_minus_morf,prob_auc_morf,prob_auc_lerf,prob_auc_random,prob_gap";
        var perClip = new StringBuilder($"clip,class,predicted,{areaColumns}\n");
        foreach (var r in summary.PerClip)
        {
            perClip.Append(Csv(r.Group, labels[r.Group].Class, labels[r.Group].Predicted)).Append(',').Append(AreaCells(r)).Append('\n');
        }
        var perClass = new StringBuilder($"class,clips,{areaColumns}\n");
        foreach (var r in summary.PerClass)
        {
            perClass.Append(Csv(r.Group, r.Clips.ToString(CultureInfo.InvariantCulture))).Append(',').Append(AreaCells(r)).Append('\n');
        }
        var accuracy = new StringBuilder("class,explainer,replacement,order,fraction,accuracy\n");
        foreach (var a in summary.Accuracy)
        {
            for (int k = 0; k < a.Fractions.Count; k++)
            {
                accuracy.Append(Csv(a.Group, a.Explainer, a.Replacement, OrderName(a.Order), Number(a.Fractions[k]), Number(a.Accuracy[k]))).Append('\n');
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
        foreach (var (name, text) in new[] { ("per-clip.csv", perClip), ("per-class.csv", perClass), ("accuracy.csv", accuracy), ("rank-correlation.csv", correlation) })
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            AtomicFile.Write(Path.Combine(Options.OutputDirectory, name), stream => stream.Write(bytes));
        }
    }

    /// <summary>The short name of an order in files and legends: <c>morf</c>, <c>lerf</c> or <c>random</c>.</summary>
    public static string OrderName(FlipOrder order) => order switch
    {
        FlipOrder.MostRelevantFirst => "morf",
        FlipOrder.LeastRelevantFirst => "lerf",
        _ => "random",
    };

    private static string AreaCells(FlipAreas r) => Csv(r.Explainer, r.Replacement, Number(r.SimilarityMorf), Number(r.SimilarityLerf), Number(r.SimilarityRandom),
        Number(r.SimilarityGap), Number(r.ProbabilityMorf), Number(r.ProbabilityLerf), Number(r.ProbabilityRandom), Number(r.ProbabilityGap));

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Csv(params string[] cells) =>
        string.Join(',', cells.Select(c => c.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : c));
}
