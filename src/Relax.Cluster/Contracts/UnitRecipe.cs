namespace Relax.Cluster;

/// <summary>How a run's units are computed: explained with RELAX (<see cref="ExplainRecipe"/>, <c>relax explain</c>)
/// or evaluated with several explainers and scored (<see cref="EvaluateRecipe"/>, <c>relax evaluate</c>).</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitRecipe;
