using System.Globalization;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Benchmarks;

/// <summary>
/// How many masks a usable map needs, with the convergence stop versus a fixed N (the study's 2000), judged against
/// a converged reference: the mean of several independent N = 8000 maps of the same clip. Also reports each early map
/// against one independent N = 8000 map (issue 7's literal criterion) and that map's own agreement with the
/// converged reference. Default model, time-frequency masks, batch 64, two threads.
/// <c>dotnet run -c Release --project benchmarks/Relax.Benchmarks -- usable [fixedN] [synthetic per class] [animals per class] [reference runs]</c>
/// </summary>
internal static class UsableMapProbe
{
    private const int Cap = 8000;
    private static readonly double[] Targets = { 0.9, 0.95, 0.97, 0.99 };

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int fixedN = args.Length > 0 ? int.Parse(args[0], inv) : 2000;
        int synthetic = args.Length > 1 ? int.Parse(args[1], inv) : 1;
        int animals = args.Length > 2 ? int.Parse(args[2], inv) : 1;
        int referenceRuns = args.Length > 3 ? int.Parse(args[3], inv) : 3;
        set_num_threads(2);
        var clips = ProbeClips.Load(synthetic, animals);
        using var parts = SyntheticAnimalModel.Load();
        var masks = new TimeFrequencyMasks();
        RelaxResult Explain(float[,] logMel, int n, int seed, double? target = null) =>
            new RelaxExplainer(parts.Embedder, masks, new RelaxOptions
            {
                MaskCount = n,
                BatchSize = 64,
                Seed = seed,
                Convergence = target is { } t ? new ConvergenceOptions { TargetCorrelation = t } : null,
            }).Explain(logMel);

        Console.WriteLine($"default model, time-frequency masks, batch 64, 2 threads; converged reference = mean of {referenceRuns} maps at N = {Cap} (seeds 101…); fixed N = {fixedN} (seed 1); stop capped at {Cap} (seed 2)");
        Console.WriteLine($"{"clip",-24} {"r8000",6} {"rFixed",7} " + string.Join(" ", Targets.Select(t => $"{"N@" + t.ToString(inv),7} {"r",6} {"r8k",6}")));
        var used = Targets.ToDictionary(t => t, _ => new List<int>());
        var quality = Targets.ToDictionary(t => t, _ => new List<double>());
        var versusSingle = Targets.ToDictionary(t => t, _ => new List<double>());
        var fixedQuality = new List<double>();
        var singleQuality = new List<double>();
        foreach (var (name, logMel) in clips)
        {
            var reference = Mean(Enumerable.Range(0, referenceRuns).Select(k => Explain(logMel, Cap, 101 + k).Saliency).ToList());
            var single = Explain(logMel, Cap, 3).Saliency;
            double rSingle = RankCorrelation.Pearson(single, reference);
            double rFixed = RankCorrelation.Pearson(Explain(logMel, fixedN, 1).Saliency, reference);
            singleQuality.Add(rSingle);
            fixedQuality.Add(rFixed);
            var line = $"{name,-24} {rSingle,6:F3} {rFixed,7:F3} ";
            foreach (double target in Targets)
            {
                var early = Explain(logMel, Cap, 2, target);
                double r = RankCorrelation.Pearson(early.Saliency, reference);
                double r8 = RankCorrelation.Pearson(early.Saliency, single);
                used[target].Add(early.MasksUsed);
                quality[target].Add(r);
                versusSingle[target].Add(r8);
                line += $"{early.MasksUsed,7} {r,6:F3} {r8,6:F3} ";
            }
            Console.WriteLine(line);
        }
        Console.WriteLine($"mean r with the converged reference: one N = {Cap} map {singleQuality.Average():F3}, fixed N = {fixedN} {fixedQuality.Average():F3} (min {fixedQuality.Min():F3})");
        foreach (double target in Targets)
        {
            var n = used[target].Order().ToArray();
            int better = quality[target].Zip(fixedQuality).Count(p => p.First >= p.Second);
            Console.WriteLine($"target {target.ToString(inv)}: N used mean {n.Average():F0} (min {n[0]}, median {n[n.Length / 2]}, max {n[^1]}; mean/{fixedN} = {n.Average() / fixedN:F2}); r with converged mean {quality[target].Average():F3} (min {quality[target].Min():F3}); ≥ fixed-N map on {better}/{n.Length} clips; r with one N = {Cap} map mean {versusSingle[target].Average():F3}");
        }
        return 0;
    }

    private static float[,] Mean(List<float[,]> maps)
    {
        int h = maps[0].GetLength(0), w = maps[0].GetLength(1);
        var mean = new float[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                double sum = 0;
                foreach (var m in maps)
                {
                    sum += m[i, j];
                }
                mean[i, j] = (float)(sum / maps.Count);
            }
        }
        return mean;
    }
}
