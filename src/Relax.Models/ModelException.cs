namespace Relax.Models;

/// <summary>A model could not be chosen or loaded: an unknown model name, a weights file that is missing, damaged or
/// does not fit, settings the model cannot take. The message is one line that names the file or the setting and says
/// what is accepted; applications show it as it is.</summary>
public class ModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line: what is wrong and what is accepted.</param>
    /// <param name="inner">The cause, when there is one.</param>
    public ModelException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
