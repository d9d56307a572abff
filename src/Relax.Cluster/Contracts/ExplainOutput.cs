namespace Relax.Cluster;

/// <summary>An explained corpus unit (about 75 KB): the maps (float32 as raw bytes) and how they were obtained.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExplainOutput(
    [property: Id(0)] int Height,
    [property: Id(1)] int Width,
    [property: Id(2)] byte[] Saliency,
    [property: Id(3)] byte[] Uncertainty,
    [property: Id(4)] byte[] MaskWeight,
    [property: Id(5)] int MasksUsed,
    [property: Id(6)] int MasksRequested,
    [property: Id(7)] bool StoppedEarly,
    [property: Id(8)] double EstimatedCorrelation,
    [property: Id(9)] double Seconds,
    [property: Id(10)] int Normalization,
    [property: Id(11)] string MaskGenerator,
    [property: Id(12)] string[] Warnings) : UnitOutput;
