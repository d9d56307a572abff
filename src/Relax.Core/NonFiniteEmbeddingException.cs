namespace Relax;

/// <summary>The embedder returned NaN or infinite values, so no similarity and no map can be computed from them: the
/// model's weights are broken, or the input drives it out of range. Raised instead of returning a NaN map.</summary>
public sealed class NonFiniteEmbeddingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteEmbeddingException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NonFiniteEmbeddingException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NonFiniteEmbeddingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a given mask.</summary>
    /// <param name="message">The message.</param>
    /// <param name="mask">The 0-based number of the first masked input whose embedding is not finite; -1 for the unmasked input.</param>
    public NonFiniteEmbeddingException(string message, long mask) : base(message)
    {
        Mask = mask;
    }

    /// <summary>The 0-based number of the first masked input whose embedding is not finite; -1 for the unmasked input.</summary>
    public long Mask { get; } = -1;
}
