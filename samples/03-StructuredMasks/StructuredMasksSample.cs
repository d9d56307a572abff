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
        var (model, clips) = RelaxStudy.Begin("03: RELAX with time, frequency and time-frequency masks", settings, output);
        using var owned = model;

        output.WriteLine($"2. RELAX per mask kind (time: bands of 8 frames; frequency: bands of 4 mel bins; time-frequency: their product; keep 0.5), N = {settings.Count}, seeds {settings.Seed} and {settings.Seed + 1}, both estimators on the same masks");
        var results = MaskKinds.Select(kind =>
        {
            var masks = MaskGenerators.Create(kind);
            return (masks.Name, Explained: RelaxStudy.Explain(model.Embedder, masks, clips, settings, output));
        }).ToList();

        output.WriteLine("3. Figures: per mask kind and class, the first clip's spectrogram, saliency and uncertainty, and the class-average saliency");
        foreach (var (name, explained) in results)
        {
            RelaxStudy.WriteFigures(Path.Combine(settings.Output, name), name, settings.Count, explained, output);
        }

        output.WriteLine("4. Reproducibility and distinctiveness");
        var agreements = results.Select(r => RelaxStudy.PrintAgreement(r.Name, r.Explained, output)).ToList();

        output.WriteLine("5. Ground-truth localisation");
        RelaxStudy.PrintLocalisation(results, settings.Seed, output);

        output.WriteLine("6. Finding");
        for (int k = 0; k < results.Count; k++)
        {
            RelaxStudy.PrintFinding(results[k].Name, settings.Count, agreements[k], output);
        }
        return 0;
    }
}
