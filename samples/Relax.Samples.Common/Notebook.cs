namespace Relax.Samples;

/// <summary>The printed frame of a sample.</summary>
public static class Notebook
{
    /// <summary>Checks a sample's arguments and prints its title.</summary>
    public static void Begin(SampleSettings settings, TextWriter output, string title)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Relax for .NET — {title}");
        output.WriteLine();
    }
}
