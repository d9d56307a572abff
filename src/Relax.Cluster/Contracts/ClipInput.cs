namespace Relax.Cluster;

/// <summary>A clip to evaluate (about 85 KB; 110 KB with the other-input replacement): its example, label and audio,
/// and the next clip's example when the other-input replacement is on.</summary>
[GenerateSerializer, Immutable]
internal sealed record ClipInput(
    [property: Id(0)] int? Label,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width,
    [property: Id(3)] byte[] Values,
    [property: Id(4)] byte[]? Waveform,
    [property: Id(5)] byte[]? Donor) : UnitInput;
