namespace Relax.Cli;

/// <summary>An error the user can fix (bad input, missing file); reported as one line without a stack trace.</summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
