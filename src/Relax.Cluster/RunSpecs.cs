using System.Globalization;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Similarity;
using TorchSharp;

namespace Relax.Cluster;

/// <summary>Turns a corpus's settings into a <see cref="RunSpec"/> that a worker can rebuild exactly, and back.</summary>
internal static class RunSpecs
{
    /// <summary>The run's settings for workers.</summary>
    /// <exception cref="ArgumentException">A setting a worker could not rebuild from its name: a similarity other than
    /// cosine, a replacement other than mean, min or zero, or a mask generator that the named kind with its default
    /// parameters does not reproduce.</exception>
    public static RunSpec Create(string runId, CorpusOptions options, ClusterModel model, double keepProbability)
    {
        var relax = options.Relax;
        if (relax.Similarity is not CosineSimilarity)
        {
            throw new ArgumentException($"A cluster run compares embeddings by cosine similarity; this corpus uses {relax.Similarity.Name}.", nameof(options));
        }
        if (!MaskReplacement.Names.Contains(relax.Replacement.Name))
        {
            throw new ArgumentException($"A cluster run replaces masked cells by {string.Join(", ", MaskReplacement.Names)}; this corpus uses {relax.Replacement.Name}.", nameof(options));
        }
        foreach (var masks in options.Masks)
        {
            if (!Reproducible(masks, keepProbability))
            {
                throw new ArgumentException($"Workers make masks by name and keep probability; the {masks.Name} generator of this corpus is not MaskGenerators.Create(\"{masks.Name}\", {keepProbability.ToString(CultureInfo.InvariantCulture)}) (kinds: {string.Join(", ", MaskGenerators.Names)}).", nameof(options));
            }
        }
        return new RunSpec(runId, model.Identity, model.DType, model.Device, relax.MaskCount, relax.BatchSize, relax.Replacement.Name, (int)relax.Normalization,
            relax.Convergence?.TargetCorrelation, relax.Convergence?.CheckEvery ?? 0, relax.Convergence?.MinMasks ?? 0, relax.Similarity.Name,
            [.. options.Masks.Select(m => m.Name)], Fingerprint(relax), keepProbability);
    }

    /// <summary>The RELAX settings and mask generators a worker computes with.</summary>
    public static (RelaxOptions Relax, IReadOnlyDictionary<string, IMaskGenerator> Masks) Rebuild(RunSpec spec)
    {
        var relax = new RelaxOptions
        {
            MaskCount = spec.MaskCount,
            BatchSize = spec.BatchSize,
            Replacement = MaskReplacement.Parse(spec.Replacement),
            Normalization = (SaliencyNormalization)spec.Normalization,
            Similarity = CosineSimilarity.Instance,
            Convergence = spec.ConvergenceTarget is { } target
                ? new ConvergenceOptions { TargetCorrelation = target, CheckEvery = spec.ConvergenceCheckEvery, MinMasks = spec.ConvergenceMinMasks }
                : null,
        };
        if (Fingerprint(relax) != spec.Fingerprint)
        {
            throw new InvalidOperationException($"rebuilt RELAX settings {Fingerprint(relax)} differ from the run's {spec.Fingerprint}");
        }
        return (relax, spec.MaskKinds.ToDictionary(k => k, k => MaskGenerators.Create(k, spec.KeepProbability), StringComparer.Ordinal));
    }

    /// <summary>Why a worker cannot run this spec's units, or null when it can.</summary>
    public static string? Mismatch(RunSpec spec, ClusterModel model)
    {
        var problems = new List<string>();
        if (spec.Model != model.Identity)
        {
            problems.Add($"it runs the model '{model.Identity}', the run asks for '{spec.Model}'");
        }
        if (spec.DType != model.DType)
        {
            problems.Add($"its dtype is {model.DType}, the run's {spec.DType}");
        }
        if (spec.Device != model.Device)
        {
            problems.Add($"its device is {model.Device}, the run's {spec.Device}");
        }
        if (problems.Count == 0)
        {
            try
            {
                Rebuild(spec);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                problems.Add($"it cannot rebuild the run's settings: {e.Message}");
            }
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>The spec as one comparable line (records compare arrays by reference).</summary>
    public static string Key(RunSpec spec) => string.Join('|', spec.RunId, spec.Model, spec.DType, spec.Device, spec.Fingerprint, string.Join(',', spec.MaskKinds),
        spec.KeepProbability.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Every RELAX setting that changes a unit's maps, as one line.</summary>
    public static string Fingerprint(RelaxOptions relax) => string.Create(CultureInfo.InvariantCulture,
        $"count={relax.MaskCount};batch={relax.BatchSize};replacement={relax.Replacement.Name};normalization={relax.Normalization};similarity={relax.Similarity.Name};convergence={(relax.Convergence is { } c ? $"{c.TargetCorrelation:R}/{c.CheckEvery}/{c.MinMasks}" : "none")}");

    /// <summary>Whether the named kind with this keep probability draws the same masks as <paramref name="masks"/>.</summary>
    private static bool Reproducible(IMaskGenerator masks, double keepProbability)
    {
        if (!MaskGenerators.Names.Contains(masks.Name) || keepProbability is not (> 0 and < 1))
        {
            return false;
        }
        var named = MaskGenerators.Create(masks.Name, keepProbability);
        using var scope = torch.NewDisposeScope();
        using var first = new torch.Generator(20261130);
        using var second = new torch.Generator(20261130);
        var a = masks.Generate(4, 96, 64, first, torch.CPU);
        var b = named.Generate(4, 96, 64, second, torch.CPU);
        return a.shape.SequenceEqual(b.shape) && (a - b).abs().max().item<float>() == 0;
    }
}

/// <summary>The model a worker runs (or a run asks for), as the three things that must match for results to be
/// identical to a single-process run.</summary>
/// <param name="Identity">What the model is (<c>LoadedModel.Identity</c>: name and weights hash).</param>
/// <param name="DType">Its dtype, for example <c>Float32</c>.</param>
/// <param name="Device">Its device, for example <c>cpu</c>.</param>
public sealed record ClusterModel(string Identity, string DType, string Device)
{
    /// <summary>The model in one line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Identity} ({DType}, {Device})");
}
