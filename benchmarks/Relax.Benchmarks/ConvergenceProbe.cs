using System.Diagnostics;
using System.Globalization;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// Issue 7's adaptive-stopping check on the default model: for generated clips and animal clips, a reference map at
/// N = 8000 (seed 1) and a run with the convergence stop (seed 2, same cap); reports the masks used and the
/// correlation of each early map with its reference.
/// <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- convergence [target] [checkEvery] [minMasks] [animal folder]</c>
/// </summary>
internal static class ConvergenceProbe
{
    private const int Reference = 8000;

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        double target = args.Length > 0 ? double.Parse(args[0], inv) : 0.99;
        int checkEvery = args.Length > 1 ? int.Parse(args[1], inv) : new ConvergenceOptions().CheckEvery;
        int minMasks = args.Length > 2 ? int.Parse(args[2], inv) : new ConvergenceOptions().MinMasks;
        string animals = args.Length > 3 ? args[3] : ProbeClips.DefaultAnimalFolder;
        set_num_threads(2);

        var clips = ProbeClips.Load(4, 4, animals);

        using var parts = SyntheticAnimalModel.Load();
        var masks = new TimeFrequencyMasks();
        var convergence = new ConvergenceOptions { TargetCorrelation = target, CheckEvery = checkEvery, MinMasks = minMasks };
        Console.WriteLine($"default model, time-frequency masks, batch 64, 2 threads; reference N = {Reference} (seed 1); early stop target {target}, CheckEvery {checkEvery}, MinMasks {minMasks} (seed 2)");
        Console.WriteLine($"{"clip",-28} {"N used",7} {"estimate",9} {"r(early,ref)",13} {"s ref",7} {"s early",8}");
        var used = new List<int>();
        var correlations = new List<double>();
        foreach (var (name, logMel) in clips)
        {
            var watch = Stopwatch.StartNew();
            var reference = new RelaxExplainer(parts.Embedder, masks, new RelaxOptions { MaskCount = Reference, BatchSize = 64, Seed = 1 }).Explain(logMel);
            double referenceSeconds = watch.Elapsed.TotalSeconds;
            var early = new RelaxExplainer(parts.Embedder, masks, new RelaxOptions { MaskCount = Reference, BatchSize = 64, Seed = 2, Convergence = convergence }).Explain(logMel);
            double r = RankCorrelation.Pearson(early.Saliency, reference.Saliency);
            used.Add(early.MasksUsed);
            correlations.Add(r);
            Console.WriteLine($"{name,-28} {early.MasksUsed,7} {early.EstimatedCorrelation,9:F4} {r,13:F4} {referenceSeconds,7:F2} {early.Elapsed.TotalSeconds,8:F2}");
        }
        var sorted = used.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
        Console.WriteLine($"clips {used.Count}: N used min {sorted[0]}, median {median}, max {sorted[^1]}; mean fraction of {Reference}: {used.Average() / Reference:F3}");
        Console.WriteLine($"r(early, reference): min {correlations.Min():F4}, mean {correlations.Average():F4}; clips below 0.99: {correlations.Count(c => c < 0.99)}");
        return 0;
    }
}
