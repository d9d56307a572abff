using Relax.Audio;

namespace Relax.Cli;

/// <summary>The commands' reading of recordings: the VGGish front end in windows, with its errors turned into one line
/// that names the file, and the search for WAV files with the commands' one-line refusals.</summary>
internal static class AudioInput
{
    /// <summary>The log-mel examples of a WAV file in windows of <paramref name="examplesPerWindow"/>, read a block at a
    /// time (memory does not grow with the recording's length). A recording without an example gives one empty window
    /// with its <see cref="LogMelExamples.Message"/>. What the reader tolerated goes to <paramref name="warnings"/> once.</summary>
    /// <exception cref="CliException">Missing, unreadable or unsupported: when the file is opened, or when a window
    /// reaches damage further in.</exception>
    public static IEnumerable<LogMelExamples> Windows(string path, TextWriter? warnings, VGGishFrontEndOptions? frontEnd, int examplesPerWindow = 64)
    {
        RelaxCli.CheckFileExists(path, "a WAV file");
        var windows = OneLine(() => new VGGishFrontEnd(frontEnd).FromFileInWindows(path, examplesPerWindow).GetEnumerator());
        return Read(windows);

        IEnumerable<LogMelExamples> Read(IEnumerator<LogMelExamples> open)
        {
            using (open)
            {
                int warned = 0;
                while (OneLine(open.MoveNext))
                {
                    var window = open.Current;
                    for (; warned < window.Warnings.Count; warned++)
                    {
                        warnings?.WriteLine($"relax: warning: {path}: {window.Warnings[warned]}");
                    }
                    yield return window;
                }
            }
        }
    }

    /// <summary>Runs a front-end step, its errors (which name the file) turned into one line.</summary>
    private static T OneLine<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>Why a recording gave no example, in one line that says what to do.</summary>
    public static string NoExamples(string path, LogMelExamples examples) =>
        NoExamples(examples.Message ?? $"{path}: the recording is shorter than one VGGish example (0.96 s)");

    /// <summary>A too-short recording's reason (<paramref name="message"/>), with the library's advice replaced by the
    /// command's.</summary>
    public static string NoExamples(string message)
    {
        int library = message.IndexOf($" Set {nameof(VGGishFrontEndOptions.PadFinalExample)}", StringComparison.Ordinal);
        return $"{(library >= 0 ? message[..library] : message).TrimEnd('.')}; --pad pads it with silence.";
    }

    /// <summary>The WAV files a path names (<see cref="WavFileSearch.Find"/>), as the commands need them: something,
    /// or one line that says why not.</summary>
    /// <exception cref="CliException">Nothing there, or a folder without WAV files.</exception>
    public static IEnumerable<string> WavFiles(string path)
    {
        IReadOnlyList<string> found;
        try
        {
            found = WavFileSearch.Find(path);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message, e);
        }
        return found.Count > 0 ? found : throw new CliException($"{path}: no .wav files in this folder.");
    }
}
