using System.Globalization;
using Relax.Similarity;

namespace Relax.Runs;

/// <summary>
/// The RELAX settings that change a map, as named values of a <see cref="RunSettings"/> record — the one spelling of
/// each (<c>relax.count</c>, <c>relax.replacement</c>, …) that a corpus folder's manifest, its units' stamps and the
/// cluster's recipe all use — and the <see cref="RelaxOptions"/> they stand for, rebuilt from them.
/// </summary>
/// <remarks>
/// The batch size is not among them: masks and convergence checks do not depend on it. The convergence schedule's
/// check interval and minimum appear only when they differ from <see cref="ConvergenceOptions"/>' defaults (every
/// folder written before they were recorded used the defaults). The similarity is named; a worker rebuilds cosine only,
/// the one similarity known by name.
/// </remarks>
public static class RelaxSettings
{
    /// <summary>The mask count's name.</summary>
    public const string Count = "relax.count";

    /// <summary>The name of the way masks are drawn from seeds (<see cref="MaskBatch.StreamVersion"/>).</summary>
    public const string MaskStream = "relax.masks";

    /// <summary>The seed's name.</summary>
    public const string Seed = "relax.seed";

    /// <summary>The replacement's name.</summary>
    public const string Replacement = "relax.replacement";

    /// <summary>The normalisation's name.</summary>
    public const string Normalization = "relax.normalization";

    /// <summary>The convergence target's name (<c>none</c> without early stopping).</summary>
    public const string Convergence = "relax.convergence";

    /// <summary>The convergence check interval's name (only when not the default).</summary>
    public const string ConvergenceCheckEvery = "relax.convergence.check-every";

    /// <summary>The convergence minimum's name (only when not the default).</summary>
    public const string ConvergenceMinMasks = "relax.convergence.min-masks";

    /// <summary>The similarity's name.</summary>
    public const string Similarity = "relax.similarity";

    private static readonly ConvergenceOptions DefaultConvergence = new();

    /// <summary>The settings of <paramref name="relax"/> that change a map, in name order.</summary>
    /// <param name="relax">The options.</param>
    /// <param name="withSeed">Whether the seed is one of them (a corpus's is; a cluster's units bring their own).</param>
    public static RunSettings Describe(RelaxOptions relax, bool withSeed = true)
    {
        ArgumentNullException.ThrowIfNull(relax);
        var values = new List<KeyValuePair<string, string>>
        {
            new(Count, relax.MaskCount.ToString(CultureInfo.InvariantCulture)),
            new(MaskStream, MaskBatch.StreamVersion),
            new(Replacement, relax.Replacement.Name),
            new(Normalization, relax.Normalization.ToString()),
            new(Convergence, relax.Convergence is { } c ? c.TargetCorrelation.ToString("R", CultureInfo.InvariantCulture) : "none"),
            new(Similarity, relax.Similarity.Name),
        };
        if (withSeed)
        {
            values.Add(new(Seed, relax.Seed.ToString(CultureInfo.InvariantCulture)));
        }
        if (relax.Convergence is { } schedule && schedule.CheckEvery != DefaultConvergence.CheckEvery)
        {
            values.Add(new(ConvergenceCheckEvery, schedule.CheckEvery.ToString(CultureInfo.InvariantCulture)));
        }
        if (relax.Convergence is { } minimum && minimum.MinMasks != DefaultConvergence.MinMasks)
        {
            values.Add(new(ConvergenceMinMasks, minimum.MinMasks.ToString(CultureInfo.InvariantCulture)));
        }
        return new RunSettings(values).Sorted();
    }

    /// <summary>The options <see cref="Describe"/> described (the seed 0 when it is not among them).</summary>
    /// <param name="settings">The RELAX settings, alone or among others (names not starting with <c>relax.</c> are not read).</param>
    /// <param name="batchSize">Masks per forward pass: not a setting of the map, so the rebuilder's own.</param>
    /// <exception cref="ArgumentException">A setting missing, malformed or unknown here (masks drawn another way, a
    /// similarity other than cosine), with its name.</exception>
    public static RelaxOptions Rebuild(RunSettings settings, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var unknown = settings.Names.FirstOrDefault(n => n.StartsWith("relax.", StringComparison.Ordinal)
            && n is not (Count or MaskStream or Seed or Replacement or Normalization or Convergence or ConvergenceCheckEvery or ConvergenceMinMasks or Similarity));
        if (unknown is not null)
        {
            throw new ArgumentException($"{unknown} is not a RELAX setting this build knows.", nameof(settings));
        }
        if (Required(settings, MaskStream) != MaskBatch.StreamVersion)
        {
            throw new ArgumentException($"{MaskStream} is {settings[MaskStream]}: the masks were drawn another way than this build's ({MaskBatch.StreamVersion}).", nameof(settings));
        }
        if (Required(settings, Similarity) != CosineSimilarity.Instance.Name)
        {
            throw new ArgumentException($"{Similarity} is {settings[Similarity]}: only {CosineSimilarity.Instance.Name} is rebuilt by name.", nameof(settings));
        }
        string target = Required(settings, Convergence);
        try
        {
            return new RelaxOptions
            {
                MaskCount = Number(settings, Count),
                BatchSize = batchSize,
                Seed = settings[Seed] is { } seed ? long.Parse(seed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0,
                Replacement = MaskReplacement.Parse(Required(settings, Replacement)),
                Normalization = Enum.GetNames<SaliencyNormalization>().Contains(Required(settings, Normalization))
                    ? Enum.Parse<SaliencyNormalization>(settings[Normalization]!) : throw new ArgumentException($"{Normalization} is {settings[Normalization]}: not one of {string.Join(", ", Enum.GetNames<SaliencyNormalization>())}.", nameof(settings)),
                Similarity = CosineSimilarity.Instance,
                Convergence = target == "none" ? null : new ConvergenceOptions
                {
                    TargetCorrelation = double.Parse(target, NumberStyles.Float, CultureInfo.InvariantCulture),
                    CheckEvery = settings[ConvergenceCheckEvery] is null ? DefaultConvergence.CheckEvery : Number(settings, ConvergenceCheckEvery),
                    MinMasks = settings[ConvergenceMinMasks] is null ? DefaultConvergence.MinMasks : Number(settings, ConvergenceMinMasks),
                },
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new ArgumentException($"The RELAX settings are malformed ({settings.ToLine()}): {e.Message}", nameof(settings), e);
        }
    }

    private static string Required(RunSettings settings, string name) =>
        settings[name] ?? throw new ArgumentException($"The RELAX settings lack {name}.", nameof(settings));

    private static int Number(RunSettings settings, string name) =>
        int.Parse(Required(settings, name), NumberStyles.None, CultureInfo.InvariantCulture);
}
