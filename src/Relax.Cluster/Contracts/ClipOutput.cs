namespace Relax.Cluster;

/// <summary>An evaluated clip: its results as <c>result.json</c> holds them and every explainer's map (float32 as raw bytes).</summary>
[GenerateSerializer, Immutable]
internal sealed record ClipOutput(
    [property: Id(0)] byte[] Clip,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width,
    [property: Id(3)] byte[][] Maps) : UnitOutput;
