namespace Relax.Cluster;

/// <summary>The audio-domain scores of an evaluation (<c>AudioFaithfulnessOptions</c>), as their three settings.</summary>
[GenerateSerializer, Immutable]
internal sealed record AudioRecipe(
    [property: Id(0)] double EvidenceFraction,
    [property: Id(1)] int RandomDraws,
    [property: Id(2)] long Seed);
