namespace Relax.Evaluation;

/// <summary>In which order pixel flipping removes cells.</summary>
public enum FlipOrder
{
    /// <summary>Most relevant first (MoRF): a faithful map makes the curve fall fast.</summary>
    MostRelevantFirst,

    /// <summary>Least relevant first (LeRF): a faithful map keeps the curve high.</summary>
    LeastRelevantFirst,

    /// <summary>A seeded random order: the baseline both should beat.</summary>
    Random,
}
