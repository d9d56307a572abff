using System.Globalization;
using Relax.Attribution;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Runs;
using Relax.Similarity;
using TorchSharp;

namespace Relax.Cluster;

/// <summary>Turns a run's settings into a <see cref="RunSpec"/> that a worker can rebuild exactly, and back.</summary>
internal static class RunSpecs
{
    /// <summary>A corpus run's settings for workers.</summary>
    /// <exception cref="ArgumentException">A setting a worker could not rebuild from its name: a similarity other than
    /// cosine, a replacement other than mean, min or zero, or a mask generator that the named kind with its default
    /// parameters does not reproduce.</exception>
    public static RunSpec Create(string runId, CorpusOptions options, ClusterModel model, double keepProbability) =>
        new(runId, model.Identity, model.DType, model.Device, Explain(options.Relax, options.Masks, keepProbability, nameof(options)));

    /// <summary>A dataset evaluation's settings for workers.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="explainers">The explainers' names (<see cref="AttributionMethods.Names"/>).</param>
    /// <param name="attribution">What the explainers are made with (the model, head and LRP network are the workers' own).</param>
    /// <param name="options">Flipping, replacements, audio scores, class names and the settings line.</param>
    /// <param name="fingerprint">The client's evaluator's fingerprint.</param>
    /// <param name="model">The model every worker must run.</param>
    /// <param name="keepProbability">The RELAX masks' keep probability.</param>
    /// <exception cref="ArgumentException">A setting a worker could not rebuild from names and numbers.</exception>
    public static RunSpec Create(string runId, IReadOnlyList<string> explainers, AttributionSettings attribution, DatasetEvaluationOptions options,
        string fingerprint, ClusterModel model, double keepProbability)
    {
        if (options.Flipping.Similarity is not CosineSimilarity)
        {
            throw new ArgumentException($"A cluster run compares embeddings by cosine similarity; this evaluation's curves use {options.Flipping.Similarity.Name}.", nameof(options));
        }
        if (options.Replacements.FirstOrDefault(r => !IsNamed(r)) is { } custom)
        {
            throw new ArgumentException($"A cluster run flips cells to {string.Join(", ", MaskReplacement.Names)} or another input's; this evaluation uses {custom.Name}.", nameof(options));
        }
        if (attribution.LrpRules != new LrpRules())
        {
            throw new ArgumentException("A cluster run uses LRP's default rules.", nameof(attribution));
        }
        var audio = options.Audio is { } a ? new AudioRecipe(a.EvidenceFraction, a.RandomDraws, a.Seed) : null;
        var recipe = new EvaluateRecipe([.. explainers], Explain(attribution.Relax, [attribution.RelaxMasks], keepProbability, nameof(attribution)), attribution.Relax.Seed,
            [attribution.OcclusionWindow.Frames, attribution.OcclusionWindow.Bands, attribution.OcclusionStride.Frames, attribution.OcclusionStride.Bands],
            attribution.IntegratedGradientsSteps, [.. options.Replacements.Select(r => r.Name)], options.UseOtherInputReplacement, options.Flipping.StepFraction,
            options.Flipping.BatchSize, options.Flipping.Seed, audio, options.ClassNames?.ToArray(), [.. options.Settings.Names], fingerprint, Classifier: attribution.Head is not null,
            SettingValues: [.. options.Settings.Values], Cells: options.Cells is { } c ? [c.SampleRate, c.WindowSamples, c.HopSamples, c.FftSize] : null);
        return new RunSpec(runId, model.Identity, model.DType, model.Device, recipe);
    }

    private static ExplainRecipe Explain(RelaxOptions relax, IEnumerable<IMaskGenerator> masks, double keepProbability, string parameter)
    {
        if (relax.Similarity is not CosineSimilarity)
        {
            throw new ArgumentException($"A cluster run compares embeddings by cosine similarity; these RELAX settings use {relax.Similarity.Name}.", parameter);
        }
        if (!IsNamed(relax.Replacement))
        {
            throw new ArgumentException($"A cluster run replaces masked cells by {string.Join(", ", MaskReplacement.Names)}; these RELAX settings use {relax.Replacement.Name}.", parameter);
        }
        var kinds = masks.ToList();
        foreach (var generator in kinds)
        {
            if (!Reproducible(generator, keepProbability))
            {
                throw new ArgumentException($"Workers make masks by name and keep probability; the {generator.Name} generator here is not MaskGenerators.Create(\"{generator.Name}\", {keepProbability.ToString(CultureInfo.InvariantCulture)}) (kinds: {string.Join(", ", MaskGenerators.Names)}).", parameter);
            }
        }
        var settings = RelaxSettings.Describe(relax, withSeed: false);
        return new ExplainRecipe([.. settings.Names], [.. settings.Values], relax.BatchSize, [.. kinds.Select(m => m.Name)], keepProbability, RunSettings.CurrentVersion);
    }

    /// <summary>The RELAX settings (seed 0: corpus units bring their own) and mask generators a worker computes with.</summary>
    /// <exception cref="InvalidOperationException">Settings of another version of their form.</exception>
    /// <exception cref="ArgumentException">Settings this build cannot rebuild (<see cref="RelaxSettings.Rebuild"/>).</exception>
    public static (RelaxOptions Relax, IReadOnlyDictionary<string, IMaskGenerator> Masks) Rebuild(ExplainRecipe recipe)
    {
        if (recipe.SettingsVersion != RunSettings.CurrentVersion)
        {
            throw new InvalidOperationException($"the run's settings are of version {recipe.SettingsVersion}, this worker reads version {RunSettings.CurrentVersion}");
        }
        var relax = RelaxSettings.Rebuild(RunSettings.FromPairs(recipe.RelaxNames, recipe.RelaxValues), recipe.BatchSize);
        return (relax, recipe.MaskKinds.ToDictionary(k => k, k => MaskGenerators.Create(k, recipe.KeepProbability), StringComparer.Ordinal));
    }

    /// <summary>The evaluator a worker computes clips with: the explainers rebuilt by name with the worker's own model,
    /// classifier head and LRP network.</summary>
    /// <exception cref="InvalidOperationException">The rebuilt evaluator's fingerprint differs from the client's (for
    /// example the worker's model has no classifier head and the client's has), or an explainer cannot be made here.</exception>
    public static DatasetEvaluator Rebuild(EvaluateRecipe recipe, ClusterWorkerOptions worker)
    {
        if (worker.Head is null && recipe.Classifier)
        {
            throw new InvalidOperationException("the run scores class probabilities and this worker's model has no classifier head");
        }
        var (relax, masks) = Rebuild(recipe.Relax);
        if (recipe.Occlusion is not [var windowFrames, var windowBands, var strideFrames, var strideBands] || recipe.Relax.MaskKinds.Length != 1)
        {
            throw new InvalidOperationException("the run's evaluation settings are malformed");
        }
        var attribution = new AttributionSettings(worker.Embedder)
        {
            Head = worker.Head,
            Lrp = worker.Lrp,
            RelaxMasks = masks[recipe.Relax.MaskKinds[0]],
            Relax = relax with { Seed = recipe.RelaxSeed, BatchSize = worker.BatchSize ?? relax.BatchSize },
            OcclusionWindow = (windowFrames, windowBands),
            OcclusionStride = (strideFrames, strideBands),
            IntegratedGradientsSteps = recipe.IntegratedGradientsSteps,
        };
        var options = new DatasetEvaluationOptions
        {
            Cells = Cells(recipe.Cells),
            Flipping = new PixelFlippingOptions { StepFraction = recipe.Step, BatchSize = recipe.FlipBatch, Seed = recipe.FlipSeed },
            Replacements = [.. recipe.Replacements.Select(MaskReplacement.Parse)],
            UseOtherInputReplacement = recipe.OtherInput,
            Audio = recipe.Audio is { } audio ? new AudioFaithfulnessOptions { EvidenceFraction = audio.EvidenceFraction, RandomDraws = audio.RandomDraws, Seed = audio.Seed } : null,
            ClassNames = recipe.ClassNames,
            Settings = RunSettings.FromPairs(recipe.SettingNames, recipe.SettingValues),
        };
        DatasetEvaluator evaluator;
        try
        {
            // A waveform model's explainers work on each clip's STFT cells: built per clip, as the client's.
            evaluator = options.Cells is null
                ? new DatasetEvaluator(worker.Embedder, [.. recipe.Explainers.Select(name => AttributionMethods.Create(name, attribution))], options, worker.Head)
                : new DatasetEvaluator(worker.Embedder, cells => [.. recipe.Explainers.Select(name => AttributionMethods.Create(name, attribution with { Embedder = cells }))], options, worker.Head);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
        if (evaluator.Fingerprint != recipe.Fingerprint)
        {
            throw new InvalidOperationException($"its evaluation settings would be {evaluator.Fingerprint}, the run's are {recipe.Fingerprint}");
        }
        return evaluator;
    }

    /// <summary>The STFT a recipe's clips are explained over, checked as a peer's numbers are.</summary>
    /// <exception cref="InvalidOperationException">Not four settings of an invertible transform.</exception>
    private static Waveform.StftCells? Cells(int[]? cells)
    {
        if (cells is null)
        {
            return null;
        }
        try
        {
            return cells is [int rate, int window, int hop, int fft] ? new Waveform.StftCells(rate, window, hop, fft)
                : throw new InvalidOperationException("the run's STFT cells are malformed");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"the run's STFT cells cannot be built: {e.Message}", e);
        }
    }

    /// <summary>How a worker's model differs from the one the spec asks for (identity, dtype); empty when it does not. Whether the worker can rebuild the recipe is found by rebuilding it.</summary>
    public static List<string> ModelMismatches(RunSpec spec, ClusterModel model)
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
        // The device is not compared: masks are the same bits on every device and batch size, so a GPU worker's maps
        // equal a CPU worker's to float rounding (TF32 aside, see docs/cluster.md).
        return problems;
    }

    /// <summary>The spec as one comparable line (records compare arrays by reference).</summary>
    public static string Key(RunSpec spec) => string.Join('|', spec.RunId, spec.Model, spec.DType, spec.Device, spec.Recipe switch
    {
        ExplainRecipe e => Key(e),
        EvaluateRecipe e => $"{Key(e.Relax)}|{e.Fingerprint}|{e.RelaxSeed}",
        _ => "",
    });

    private static string Key(ExplainRecipe recipe) =>
        // Not parsed: a malformed recipe (another build, a hostile peer) must reach RunState.For to be refused there.
        string.Join('|', string.Join(',', recipe.RelaxNames ?? []), string.Join(',', recipe.RelaxValues ?? []), recipe.SettingsVersion, string.Join(',', recipe.MaskKinds ?? []),
            recipe.KeepProbability.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Whether a replacement is one a worker gets back from its name (a custom one named "mean" is not).</summary>
    private static bool IsNamed(MaskReplacement replacement) =>
        MaskReplacement.Names.Contains(replacement.Name) && ReferenceEquals(replacement, MaskReplacement.Parse(replacement.Name));

    /// <summary>Whether the named kind with this keep probability draws the same masks as <paramref name="masks"/>.</summary>
    private static bool Reproducible(IMaskGenerator masks, double keepProbability)
    {
        if (!MaskGenerators.Names.Contains(masks.Name) || keepProbability is not (> 0 and < 1))
        {
            return false;
        }
        var named = MaskGenerators.Create(masks.Name, keepProbability);
        using var scope = torch.NewDisposeScope();
        var batch = new MaskBatch(20261130, 0, 4);
        var a = masks.Generate(batch, 96, 64, torch.CPU);
        var b = named.Generate(batch, 96, 64, torch.CPU);
        return a.shape.SequenceEqual(b.shape) && (a - b).abs().max().item<float>() == 0;
    }
}
