namespace Relax.Audio;

/// <summary>
/// The audio is too short to give a single VGGish example (0.96 s) and the caller asked for at least one
/// (<see cref="VGGishFrontEndOptions.RequireExamples"/>). The message names the source and its duration.
/// </summary>
public sealed class AudioTooShortException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AudioTooShortException()
        : base("The audio is too short for one 0.96 s VGGish example.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AudioTooShortException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public AudioTooShortException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
