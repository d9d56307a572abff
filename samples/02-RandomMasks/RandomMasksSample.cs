using Relax.Masks;

namespace Relax.Samples;

/// <summary>Sample 02: RELAX with random-grid masks (RISE/RELAX's own), both estimators, two seeds, per class.</summary>
public static class RandomMasksSample
{
    /// <summary>4 clips per class, N = 1000 masks per run.</summary>
    public static SampleSettings Defaults { get; } = new() { PerClass = 4, Count = 1000, Output = Path.Combine("relax-output", "02-random-masks") };

    /// <summary>Runs the sample; returns the process exit code.</summary>
    public static int Run(SampleSettings settings, TextWriter output)
    {
        var (model, clips) = RelaxStudy.Begin("02: RELAX with random-grid masks", settings, output);
        using var owned = model;

        var masks = MaskGenerators.Create("random-grid");
        output.WriteLine($"2. RELAX: {masks.Name} masks (8 × 8 grid, keep 0.5), N = {settings.Count}, two runs per clip (seeds {settings.Seed} and {settings.Seed + 1}; run 1 uses the same masks for every clip, as the study did), the mask-weight and the paper's 1/N estimator on the same masks");
        var explained = RelaxStudy.Explain(model.Embedder, masks, clips, settings, output);

        output.WriteLine("3. Figures: per class the first clip's spectrogram, saliency and uncertainty; per class the average saliency");
        RelaxStudy.WriteFigures(settings.Output, masks.Name, settings.Count, explained, output);

        output.WriteLine("4. Reproducibility and distinctiveness");
        var agreements = RelaxStudy.PrintAgreement(masks.Name, explained, output);

        output.WriteLine("5. Ground-truth localisation");
        RelaxStudy.PrintLocalisation([(masks.Name, explained)], settings.Seed, output);

        output.WriteLine("6. Finding");
        RelaxStudy.PrintFinding(masks.Name, settings.Count, agreements, output);
        return 0;
    }
}
