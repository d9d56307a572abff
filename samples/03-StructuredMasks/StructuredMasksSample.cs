using System.Globalization;
using Relax.Evaluation;
using Relax.Masks;

namespace Relax.Samples;

/// <summary>Sample 03: RELAX with structured masks (time bands, frequency bands, their product), both estimators,
/// two seeds, per class, and the share of saliency inside the generator's evidence regions.</summary>
public static class StructuredMasksSample
{
    /// <summary>The structured mask kinds compared.</summary>
    public static IReadOnlyList<string> MaskKinds { get; } = ["time", "frequency", "time-frequency"];

    /// <summary>4 clips per class, N = 1000 masks per run.</summary>
    public static SampleSettings Defaults { get; } = new() { PerClass = 4, Count = 1000, Output = Path.Combine("relax-output", "03-structured-masks") };

    /// <summary>Runs the sample; returns the process exit code.</summary>
    public static int Run(SampleSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Relax for .NET — 03: RELAX with time, frequency and time-frequency masks");
        output.WriteLine();

        output.WriteLine("1. Model and clips");
        var (embedder, identity) = SampleModels.Load(settings);
        using var owned = embedder;
        output.WriteLine($"   Model: {identity}");
        var clips = RelaxStudy.LoadClips(settings, output);

        output.WriteLine($"2. RELAX per mask kind (time: bands of 8 frames; frequency: bands of 4 mel bins; time-frequency: their product; keep 0.5), N = {settings.Count}, seeds {settings.Seed} and {settings.Seed + 1}, both estimators on the same masks");
        var results = MaskKinds.Select(kind =>
        {
            var masks = MaskGenerators.Create(kind);
            return (masks.Name, Explained: RelaxStudy.Explain(embedder, masks, clips, settings, output));
        }).ToList();

        output.WriteLine("3. Figures: per mask kind and class, the first clip's spectrogram, saliency and uncertainty, and the class-average saliency");
        foreach (var (name, explained) in results)
        {
            RelaxStudy.WriteFigures(Path.Combine(settings.Output, name), name, settings.Count, explained, output);
        }

        output.WriteLine("4. Reproducibility and distinctiveness");
        foreach (var (name, explained) in results)
        {
            RelaxStudy.PrintAgreement(name, explained, output);
        }

        output.WriteLine("5. Ground-truth localisation: share of positive saliency mass (above the map's median) inside the generator's evidence regions");
        if (clips.Any(c => c.Evidence is null))
        {
            output.WriteLine("   skipped: recordings have no known evidence regions (run without --data for generated clips).");
        }
        else
        {
            var random = new Random(settings.Seed);
            var baseline = clips.Select(c => RelevanceMass.Score(RandomMap(random), c.Evidence!)).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   evidence covers {baseline.Average(s => s.AreaInside):P1} of the cells on average; a random map puts {baseline.Average(s => s.MassInside):P1} of its mass there."));
            output.WriteLine("     masks           | estimator     | mass inside | gain over area");
            foreach (var (name, explained) in results)
            {
                foreach (var n in RelaxStudy.Estimators)
                {
                    var scores = explained.Select(e => RelevanceMass.Score(e.Of(n).Saliency, e.Clip.Evidence!)).ToList();
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"     {name,-15} | {RelaxStudy.Name(n),-13} | {scores.Average(s => s.MassInside),11:P1} | {scores.Average(s => s.Gain),14:F2}"));
                }
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     {"random map",-15} | {"—",-13} | {baseline.Average(s => s.MassInside),11:P1} | {baseline.Average(s => s.Gain),14:F2}"));
        }

        output.WriteLine("6. Finding");
        foreach (var (name, explained) in results)
        {
            foreach (var line in RelaxStudy.Finding(name, settings.Count, explained))
            {
                output.WriteLine("   " + line);
            }
        }
        return 0;
    }

    private static float[,] RandomMap(Random random)
    {
        var map = new float[96, 64];
        for (int i = 0; i < 96; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                map[i, j] = random.NextSingle();
            }
        }
        return map;
    }
}
