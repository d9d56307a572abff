namespace Relax.Runs;

/// <summary>
/// Explains the units of a corpus for <see cref="CorpusExplainer.RunAsync"/>: in this process
/// (<see cref="LocalCorpusExecutor"/>) or elsewhere (the workers of a cluster). Whatever runs a unit must compute
/// <see cref="CorpusExplainer.ExplainUnit"/> with the corpus's settings, so that results do not depend on where it ran.
/// </summary>
public interface ICorpusExecutor
{
    /// <summary>How many units the runner keeps in flight at most (1 runs them one after another).</summary>
    int Window { get; }

    /// <summary>Explains one unit.</summary>
    /// <param name="work">The unit.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The unit's RELAX result.</returns>
    Task<RelaxResult> ExplainAsync(CorpusWork work, CancellationToken cancellationToken);
}

/// <summary>One unit of a corpus as an executor sees it: an example, a mask kind and the unit's own seed
/// (<see cref="CorpusSeeds.ForExample"/>).</summary>
/// <param name="UnitId">The unit's folder under the output, <c>&lt;recording&gt;/example-NNN/&lt;kind&gt;</c>: unique in the corpus.</param>
/// <param name="Input">The log-mel example (96 × 64).</param>
/// <param name="MaskKind">The mask generator's name (<see cref="IMaskGenerator.Name"/>).</param>
/// <param name="Seed">The unit's seed.</param>
public sealed record CorpusWork(string UnitId, float[,] Input, string MaskKind, long Seed);

/// <summary>Explains units in this process, one after another: what <see cref="CorpusExplainer.Run"/> uses.</summary>
/// <param name="embedder">The model.</param>
/// <param name="options">The corpus's mask kinds and RELAX settings.</param>
public sealed class LocalCorpusExecutor(IEmbedder embedder, CorpusOptions options) : ICorpusExecutor
{
    private readonly IEmbedder _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
    private readonly CorpusOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public int Window => 1;

    /// <inheritdoc />
    public Task<RelaxResult> ExplainAsync(CorpusWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var masks = _options.Masks.FirstOrDefault(m => m.Name == work.MaskKind)
            ?? throw new ArgumentException($"The corpus has no {work.MaskKind} masks.", nameof(work));
        return Task.FromResult(CorpusExplainer.ExplainUnit(_embedder, masks, _options.Relax, work, cancellationToken));
    }
}
