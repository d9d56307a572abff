namespace Relax.Cluster;

/// <summary>RELAX settings and mask kinds of a corpus (every unit brings its own seed). The RELAX settings travel as
/// the run's own <c>RunSettings</c> record (<c>RelaxSettings.Describe</c> without the seed: names and values), in the
/// version <c>SettingsVersion</c> of its form; a worker rebuilds them with <c>RelaxSettings.Rebuild</c>.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExplainRecipe(
    [property: Id(0)] string[] RelaxNames,
    [property: Id(1)] string[] RelaxValues,
    [property: Id(2)] int BatchSize,
    [property: Id(3)] string[] MaskKinds,
    [property: Id(4)] double KeepProbability,
    [property: Id(5)] int SettingsVersion) : UnitRecipe;
