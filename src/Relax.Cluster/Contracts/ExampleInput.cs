namespace Relax.Cluster;

/// <summary>A corpus unit: an example (a log-mel example is about 24 KB), its mask kind and its seed; for a waveform
/// model also the example's samples and the STFT (sample rate, window, hop, FFT size) whose cells are explained.</summary>
[GenerateSerializer, Immutable]
internal sealed record ExampleInput(
    [property: Id(0)] string MaskKind,
    [property: Id(1)] long Seed,
    [property: Id(2)] int Height,
    [property: Id(3)] int Width,
    [property: Id(4)] byte[] Values,
    [property: Id(5)] byte[]? Samples = null,
    [property: Id(6)] int[]? Cells = null) : UnitInput;
