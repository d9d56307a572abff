namespace Relax.Runs;

/// <summary>What a corpus run produced.</summary>
/// <param name="Units">Every unit, in the order of the corpus (one row per recording without examples).</param>
/// <param name="ClassMaps">Average maps per class and mask kind.</param>
/// <param name="Distinctiveness">Split-half against between-class correlation, per mask kind, estimator and class.</param>
/// <param name="Settings">The settings fingerprint.</param>
/// <param name="MaskKinds">The mask kinds, in the order given.</param>
/// <param name="Recordings">Recordings seen.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="MasksPerSecond">Masks per second over the units explained in this run (0 when all were reused).</param>
public sealed record CorpusSummary(IReadOnlyList<CorpusUnit> Units, IReadOnlyList<ClassMaps> ClassMaps,
    IReadOnlyList<DistinctivenessRow> Distinctiveness, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> MaskKinds,
    int Recordings, TimeSpan Elapsed, double MasksPerSecond)
{
    /// <summary>Units explained in this run.</summary>
    public int Explained => Units.Count(u => u.Status == CorpusUnitStatus.Done);

    /// <summary>Units reused from an earlier run.</summary>
    public int Reused => Units.Count(u => u.Status == CorpusUnitStatus.Reused);

    /// <summary>Recordings that yielded no example.</summary>
    public int WithoutExamples => Units.Count(u => u.Status == CorpusUnitStatus.NoExamples);

    /// <summary>The class labels, ordinal.</summary>
    public IReadOnlyList<string> Labels => ClassMaps.Select(c => c.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
}
