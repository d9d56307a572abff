using Relax.Audio;

namespace Relax.Cli;

/// <summary>The one place the commands read recordings: the VGGish front end, with its errors turned into one line
/// that names the file, and the search of folders for WAV files.</summary>
internal static class AudioInput
{
    /// <summary>The log-mel examples of a WAV file, all in memory; a recording that yields no example is returned empty
    /// (with its <see cref="LogMelExamples.Message"/>). What the reader tolerated (a data chunk past the end, say) goes
    /// to <paramref name="warnings"/>, one line per irregularity, once per file.</summary>
    /// <exception cref="CliException">Missing, unreadable or unsupported.</exception>
    public static LogMelExamples Load(string path, TextWriter? warnings = null, VGGishFrontEndOptions? frontEnd = null)
    {
        RelaxCli.CheckFileExists(path, "a WAV file");
        LogMelExamples examples;
        try
        {
            examples = new VGGishFrontEnd(frontEnd).FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message, e);
        }
        foreach (var warning in examples.Warnings)
        {
            warnings?.WriteLine($"relax: warning: {path}: {warning}");
        }
        return examples;
    }

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
    public static string NoExamples(string path, LogMelExamples examples)
    {
        var message = examples.Message ?? $"{path}: the recording is shorter than one VGGish example (0.96 s)";
        int library = message.IndexOf($" Set {nameof(VGGishFrontEndOptions.PadFinalExample)}", StringComparison.Ordinal);
        return $"{(library >= 0 ? message[..library] : message).TrimEnd('.')}; --pad pads it with silence.";
    }

    /// <summary>The WAV files a path names: the file itself, or every <c>*.wav</c> under a folder (any letter case),
    /// in ordinal order of their paths. Links to folders are followed, but each real folder is searched once, so a link
    /// back up the tree (<c>sub/up -> ..</c>) or two links to one folder add no recording twice and the search ends.</summary>
    /// <exception cref="CliException">Nothing there, or a folder without WAV files.</exception>
    public static IEnumerable<string> WavFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var found = WavFilesUnder(path).Order(StringComparer.Ordinal).ToList();
            return found.Count > 0 ? found : throw new CliException($"{path}: no .wav files in this folder.");
        }
        return File.Exists(path) ? [path] : throw new CliException($"{path}: no such file or folder.");
    }

    /// <summary>The most folders one search visits: a bound on any tree, however its links are laid out.</summary>
    private const int MaxFolders = 1_000_000;

    private static List<string> WavFilesUnder(string root)
    {
        var files = new List<string>();
        var searched = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0 && searched.Count < MaxFolders)
        {
            var folder = pending.Pop();
            var info = new DirectoryInfo(folder);
            // A folder reached through a link is searched under its own name only the first time its target is.
            var real = (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName;
            if (!searched.Add(Path.TrimEndingDirectorySeparator(real)))
            {
                continue;
            }
            try
            {
                files.AddRange(Directory.EnumerateFiles(folder, "*.wav", WavSearch));
                foreach (var sub in Directory.EnumerateDirectories(folder, "*", WavSearch).Order(StringComparer.Ordinal).Reverse())
                {
                    pending.Push(sub);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable folder holds no recording this run can read.
            }
        }
        return files;
    }

    private static readonly EnumerationOptions WavSearch = new()
    {
        RecurseSubdirectories = false, // WavFilesUnder recurses, following each real folder once
        MatchCasing = MatchCasing.CaseInsensitive,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden,
    };
}
