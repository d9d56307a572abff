using System.Globalization;
using Relax.Audio;
using Relax.Evaluation;
using Relax.Models;
using Relax.Models.VGGish;
using Relax.Plots;
using Relax.Synthetic;

namespace Relax.Samples;

/// <summary>Maps of one estimator for one clip: run A (seed S) with uncertainty, and run B (seed S + 1).</summary>
public sealed record EstimatorMaps(float[,] Saliency, float[,] Uncertainty, float[,] SaliencyRunB);

/// <summary>A clip explained twice (two mask seeds) with both estimators on the same masks.</summary>
public sealed record ExplainedClip(AnimalClip Clip, EstimatorMaps MaskWeight, EstimatorMaps MaskCount)
{
    /// <summary>The maps of <paramref name="normalization"/>.</summary>
    public EstimatorMaps Of(SaliencyNormalization normalization) => normalization == SaliencyNormalization.MaskCount ? MaskCount : MaskWeight;
}

/// <summary>How alike maps are, by mean Pearson correlation.</summary>
/// <param name="Reproducibility">Two runs of the same clip with different mask seeds.</param>
/// <param name="SameClassSameMasks">Different clips of the same class, same mask seed.</param>
/// <param name="OtherClassSameMasks">Clips of different classes, same mask seed (the study's set-up: one seed for all).</param>
/// <param name="OtherClassOtherMasks">Clips of different classes, different mask seeds.</param>
/// <param name="ClassAverages">The per-class average maps against each other.</param>
public sealed record Agreement(double Reproducibility, double SameClassSameMasks, double OtherClassSameMasks, double OtherClassOtherMasks, double ClassAverages);

/// <summary>The shared steps of samples 02 and 03: RELAX per clip with both estimators, agreement measures, figures.</summary>
public static class RelaxStudy
{
    /// <summary>The estimators compared, in print order.</summary>
    public static IReadOnlyList<SaliencyNormalization> Estimators { get; } = [SaliencyNormalization.MaskWeight, SaliencyNormalization.MaskCount];

    /// <summary>Short name of an estimator for tables and file names.</summary>
    public static string Name(SaliencyNormalization n) => n == SaliencyNormalization.MaskCount ? "1/N (paper)" : "mask-weight";

    /// <summary>File-name form of an estimator.</summary>
    public static string Slug(SaliencyNormalization n) => n == SaliencyNormalization.MaskCount ? "mask-count" : "mask-weight";

    /// <summary>The models the samples choose from: Google's VGGish, then the shipped default model.</summary>
    public static ModelCatalog Models => new([new VGGishModelProvider(), new DefaultModelProvider()]);

    /// <summary>The axes of a VGGish example: 10 ms frames, mel band centres in Hz.</summary>
    public static SpectrogramAxes Axes => SpectrogramAxes.VGGish;

    /// <summary>Prints the title and step 1 of samples 02 and 03: loads the model (<see cref="Models"/>: Google's VGGish
    /// when its weights are given or installed, else the shipped default model) and the clips (<see cref="LoadClips"/>).
    /// The caller disposes the model.</summary>
    public static (AudioModel Model, List<AnimalClip> Clips) Begin(string title, SampleSettings settings, TextWriter output)
    {
        Notebook.Begin(settings, output, title);
        output.WriteLine("1. Model and clips");
        var model = Models.Load(new ModelRequest { Weights = settings.Weights });
        try
        {
            output.WriteLine($"   Model: {model.Identity}");
            return (model, LoadClips(settings, output));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Clips for samples 02 and 03: the first example of <see cref="SampleSettings.PerClass"/> recordings per
    /// class from the data folder when one is given, else generated clips (with known evidence regions).</summary>
    public static List<AnimalClip> LoadClips(SampleSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        if (settings.Data is null)
        {
            log.WriteLine($"   {settings.PerClass} generated clips per class (Relax.Synthetic, seeds {settings.Seed}…), 1 s each, with known evidence regions.");
            return AnimalClips.Generate(settings.PerClass, settings.Seed);
        }
        var folder = AnimalClips.ResolveFolder(settings, log) ?? throw new InvalidOperationException("No data folder.");
        var clips = new List<AnimalClip>();
        var files = AnimalClips.ListFiles(folder, settings.Seed);
        for (int c = 0; c < files.Count; c++)
        {
            clips.AddRange(files[c].Select(f => AnimalClips.Read(f, (AnimalClass)c, log)).OfType<AnimalClip>().Take(settings.PerClass)
                .Select(clip => clip with { Examples = [clip.Examples[0]] }));
        }
        log.WriteLine($"   {clips.Count} recordings from {folder} (first 0.96 s example of each; no ground-truth regions).");
        return clips;
    }

    /// <summary>Explains every clip's first example twice (seeds S and S + 1) with both estimators on the same masks.</summary>
    public static List<ExplainedClip> Explain(IEmbedder embedder, IMaskGenerator masks, IReadOnlyList<AnimalClip> clips, SampleSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var result = new List<ExplainedClip>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var clip in clips)
        {
            var a = Run(clip.Examples[0], settings.Seed);
            var b = Run(clip.Examples[0], settings.Seed + 1);
            result.Add(new ExplainedClip(clip,
                new EstimatorMaps(a.Weight.Saliency, a.Weight.Uncertainty, b.Weight.Saliency),
                new EstimatorMaps(a.Count.Saliency, a.Count.Uncertainty, b.Count.Saliency)));
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   {masks.Name}: {clips.Count} clips × 2 runs × N = {settings.Count} masks in {clock.Elapsed.TotalSeconds:F0} s ({2.0 * clips.Count * settings.Count / clock.Elapsed.TotalSeconds:F0} masks/s)."));
        return result;

        ((float[,] Saliency, float[,] Uncertainty) Weight, (float[,] Saliency, float[,] Uncertainty) Count) Run(float[,] example, long seed)
        {
            var explainer = new RelaxExplainer(embedder, masks, new RelaxOptions { MaskCount = settings.Count, BatchSize = settings.Batch, Seed = seed });
            using var input = TensorArrays.FromArray2D(example);
            using var estimator = new PairedEstimator(example.GetLength(0), example.GetLength(1), embedder.Device);
            var weight = explainer.Explain(input, estimator);
            return ((weight.Saliency, weight.Uncertainty), estimator.EstimateMaskCount());
        }
    }

    /// <summary>Agreement of <paramref name="normalization"/>'s maps.</summary>
    public static Agreement Measure(IReadOnlyList<ExplainedClip> clips, SaliencyNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(clips);
        var maps = clips.Select(c => c.Of(normalization)).ToList();
        var labels = clips.Select(c => c.Clip.Label).ToList();
        var sameClass = MapStatistics.Pairs(clips.Count, (i, j) => labels[i] == labels[j]).ToList();
        var otherClass = MapStatistics.Pairs(clips.Count, (i, j) => labels[i] != labels[j]).ToList();
        var averages = ClassAverages(clips, normalization).Values.ToList();
        return new Agreement(
            MapStatistics.MeanCorrelation(maps.Select(m => (m.Saliency, m.SaliencyRunB))),
            MapStatistics.MeanCorrelation(sameClass.Select(p => (maps[p.I].Saliency, maps[p.J].Saliency))),
            MapStatistics.MeanCorrelation(otherClass.Select(p => (maps[p.I].Saliency, maps[p.J].Saliency))),
            MapStatistics.MeanCorrelation(otherClass.Select(p => (maps[p.I].Saliency, maps[p.J].SaliencyRunB))),
            MapStatistics.MeanCorrelation(MapStatistics.Pairs(averages.Count, (_, _) => true).Select(p => (averages[p.I], averages[p.J]))));
    }

    /// <summary>The mean saliency map (run A) of each class present.</summary>
    public static SortedDictionary<AnimalClass, float[,]> ClassAverages(IReadOnlyList<ExplainedClip> clips, SaliencyNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(clips);
        return new(clips.GroupBy(c => c.Clip.Label).ToDictionary(g => g.Key, g => MapStatistics.Average(g.Select(c => c.Of(normalization).Saliency).ToList())));
    }

    /// <summary>Prints the agreement table of one mask kind and returns the agreement of each estimator.</summary>
    public static (Agreement MaskWeight, Agreement MaskCount) PrintAgreement(string maskName, IReadOnlyList<ExplainedClip> clips, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var agreements = (MaskWeight: Measure(clips, SaliencyNormalization.MaskWeight), MaskCount: Measure(clips, SaliencyNormalization.MaskCount));
        log.WriteLine($"   {maskName}: mean Pearson r of saliency maps");
        log.WriteLine("     estimator     | two runs, same clip | other clip, same class | other class, same masks | other class, other masks | class averages");
        foreach (var n in Estimators)
        {
            var a = n == SaliencyNormalization.MaskCount ? agreements.MaskCount : agreements.MaskWeight;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     {Name(n),-13} | {a.Reproducibility,19:F3} | {a.SameClassSameMasks,22:F3} | {a.OtherClassSameMasks,23:F3} | {a.OtherClassOtherMasks,24:F3} | {a.ClassAverages,14:F3}"));
        }
        return agreements;
    }

    /// <summary>Prints the finding, in words, for one mask kind: which of the sameness is due to the masks and which to the estimator.</summary>
    public static void PrintFinding(string maskName, int count, (Agreement MaskWeight, Agreement MaskCount) agreements, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (w, c) = agreements;
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        output.WriteLine($"   {maskName}, 1/N estimator: clips of different classes explained with the same masks correlate at r = {F(c.OtherClassSameMasks)}, " +
            $"with other masks at {F(c.OtherClassOtherMasks)}; two runs of one clip agree at {F(c.Reproducibility)}.");
        output.WriteLine(c.OtherClassSameMasks - c.OtherClassOtherMasks > 0.2
            ? "      → the 1/N map is mostly the masks' keep frequency (Σ M / N times a near-constant similarity): with one seed for all clips it is the same map for every clip and class. That sameness comes from the ESTIMATOR with shared masks, not from the model."
            : "      → the 1/N maps do not follow the shared masks much here.");
        output.WriteLine($"   {maskName}, mask-weight estimator: two runs agree at r = {F(w.Reproducibility)}; different classes correlate at {F(w.OtherClassSameMasks)} (same masks) / {F(w.OtherClassOtherMasks)} (other masks); class averages at {F(w.ClassAverages)}.");
        output.WriteLine(w.Reproducibility <= 0.3
            ? $"      → at N = {count} the mask-weight maps are not yet reproducible; raise --count before reading class differences."
            : w.OtherClassOtherMasks >= 0.7 * w.Reproducibility
                ? "      → even with a reproducible estimator the maps of different classes are nearly alike: this sameness belongs to the MASKS (what they can resolve) and the model, not to the estimator."
                : "      → with the mask-weight estimator the maps are reproducible AND differ between classes: these masks tell the clips apart.");
    }

    /// <summary>Prints, per mask kind and estimator, the share of positive saliency mass (above the map's median) inside
    /// the generator's evidence regions (relevance mass accuracy), against that of random maps; skipped for recordings.</summary>
    public static void PrintLocalisation(IReadOnlyList<(string Masks, List<ExplainedClip> Explained)> results, int seed, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        var clips = results[0].Explained.Select(e => e.Clip).ToList();
        if (clips.Any(c => c.Evidence is null))
        {
            output.WriteLine("   skipped: recordings have no known evidence regions (run without --data for generated clips).");
            return;
        }
        var random = new Random(seed);
        var baseline = clips.Select(c => RelevanceMass.Score(RandomMap(random), c.Evidence!)).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   share of positive saliency mass (above the map's median) inside the evidence regions, which cover {baseline.Average(s => s.AreaInside):P1} of the cells on average"));
        output.WriteLine("     masks           | estimator     | mass inside | gain over area");
        foreach (var (name, explained) in results)
        {
            foreach (var n in Estimators)
            {
                var scores = explained.Select(e => RelevanceMass.Score(e.Of(n).Saliency, e.Clip.Evidence!)).ToList();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"     {name,-15} | {Name(n),-13} | {scores.Average(s => s.MassInside),11:P1} | {scores.Average(s => s.Gain),14:F2}"));
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     {"random map",-15} | {"—",-13} | {baseline.Average(s => s.MassInside),11:P1} | {baseline.Average(s => s.Gain),14:F2}"));
    }

    private static float[,] RandomMap(Random random)
    {
        var map = new float[LogMelExamples.FramesPerExample, LogMelExamples.MelBands];
        for (int i = 0; i < map.GetLength(0); i++)
        {
            for (int j = 0; j < map.GetLength(1); j++)
            {
                map[i, j] = random.NextSingle();
            }
        }
        return map;
    }

    /// <summary>Writes, per class, the first clip's spectrogram, saliency and uncertainty (mask-weight), its 1/N saliency,
    /// and each estimator's class-average saliency.</summary>
    public static void WriteFigures(string folder, string maskName, int count, IReadOnlyList<ExplainedClip> clips, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(log);
        Directory.CreateDirectory(folder);
        string Setting(SaliencyNormalization n) => $"{maskName} masks, {Name(n)}, N = {count}";
        foreach (var first in clips.GroupBy(c => c.Clip.Label).Select(g => g.First()))
        {
            var cls = AnimalClips.ClassNames[(int)first.Clip.Label];
            HeatmapFigure.Save(Path.Combine(folder, $"{cls}-logmel.png"), first.Clip.Examples[0], Axes,
                new HeatmapStyle { Title = $"{cls}: log-mel spectrogram · {first.Clip.Name}", ColorBarLabel = "log mel", Colors = HeatmapColors.Magma });
            foreach (var n in Estimators)
            {
                var maps = first.Of(n);
                HeatmapFigure.Save(Path.Combine(folder, $"{cls}-saliency-{Slug(n)}.png"), maps.Saliency, Axes,
                    new HeatmapStyle { Title = $"{cls}: saliency · {Setting(n)}", ColorBarLabel = "R" });
                HeatmapFigure.Save(Path.Combine(folder, $"{cls}-uncertainty-{Slug(n)}.png"), maps.Uncertainty, Axes,
                    new HeatmapStyle { Title = $"{cls}: uncertainty · {Setting(n)}", ColorBarLabel = "U", Colors = HeatmapColors.Inferno });
            }
        }
        foreach (var n in Estimators)
        {
            foreach (var (label, average) in ClassAverages(clips, n))
            {
                var cls = AnimalClips.ClassNames[(int)label];
                int k = clips.Count(c => c.Clip.Label == label);
                HeatmapFigure.Save(Path.Combine(folder, $"average-{cls}-saliency-{Slug(n)}.png"), average, Axes,
                    new HeatmapStyle { Title = $"{cls}: mean saliency of {k} clips · {Setting(n)}", ColorBarLabel = "R" });
            }
        }
        log.WriteLine($"   figures → {Path.GetFullPath(folder)}");
    }
}
