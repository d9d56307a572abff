namespace Relax.Models.Weights;

/// <summary>A weights file is truncated, corrupt, hostile or in a format that is not read: one line naming the file and
/// what is wrong with it (a <see cref="ModelException"/>).</summary>
public sealed class WeightsFormatException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line: the file and what is wrong.</param>
    /// <param name="inner">The cause, when there is one.</param>
    public WeightsFormatException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
