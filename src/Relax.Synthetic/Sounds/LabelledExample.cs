namespace Relax.Synthetic;

/// <summary>One log-mel example of a generated clip, with the cells where its class evidence lies.</summary>
/// <param name="LogMel">The example, (96 frames, 64 mel bands).</param>
/// <param name="Label">The class.</param>
/// <param name="Evidence">True for the cells whose frame centre time and band centre frequency fall in an evidence region.</param>
/// <param name="Clip">The clip it came from.</param>
public sealed record LabelledExample(float[,] LogMel, AnimalClass Label, bool[,] Evidence, SyntheticClip Clip);
