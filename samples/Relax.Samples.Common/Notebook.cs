using Relax.Hosting;

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
    /// <summary>A sample's entry point: parses <paramref name="args"/> over <paramref name="defaults"/> and runs it;
    /// a missing folder or unusable weights end with one line on standard error and exit code 1 (bad arguments: 2).</summary>
    public static int Main(string[] args, SampleSettings defaults, Func<SampleSettings, TextWriter, int> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        NativeThreads.PreferPassiveWaiting();   // before libtorch loads; see docs/performance.md
        NativeThreads.PreferThreadCountIndependentResults();
        var settings = SampleSettings.Parse(args, defaults, Console.Error);
        if (settings is null)
        {
            return 2;
        }
        try
        {
            return run(settings, Console.Out);
        }
        catch (Exception e) when (e is IOException or Models.ModelException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
