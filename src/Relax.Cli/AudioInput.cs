using Relax.Audio;

namespace Relax.Cli;

/// <summary>The one place the commands read recordings: the VGGish front end, with its errors turned into one line
/// that names the file, and the search of folders for WAV files.</summary>
internal static class AudioInput
{
    /// <summary>The log-mel examples of a WAV file; what the reader tolerated (a data chunk past the end, say) goes to
    /// <paramref name="warnings"/>, one line per irregularity, once per file.</summary>
    /// <exception cref="CliException">Missing, unreadable, unsupported, or shorter than one example.</exception>
    public static LogMelExamples Read(string path, TextWriter? warnings = null, VGGishFrontEndOptions? frontEnd = null)
    {
        var examples = Load(path, warnings, frontEnd);
        if (examples.IsEmpty)
        {
            throw new CliException(NoExamples(path, examples));
        }
        return examples;
    }

    /// <summary>Like <see cref="Read"/>, but a recording that yields no example is returned empty (with its
    /// <see cref="LogMelExamples.Message"/>) rather than refused.</summary>
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

    /// <summary>Why a recording gave no example, in one line that says what to do.</summary>
    public static string NoExamples(string path, LogMelExamples examples)
    {
        var message = examples.Message ?? $"{path}: the recording is shorter than one VGGish example (0.96 s)";
        int library = message.IndexOf($" Set {nameof(VGGishFrontEndOptions.PadFinalExample)}", StringComparison.Ordinal);
        return $"{(library >= 0 ? message[..library] : message).TrimEnd('.')}; --pad pads it with silence.";
    }

    /// <summary>The WAV files a path names: the file itself, or every <c>*.wav</c> under a folder (any letter case),
    /// in ordinal order of their paths.</summary>
    /// <exception cref="CliException">Nothing there, or a folder without WAV files.</exception>
    public static IEnumerable<string> WavFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var found = Directory.EnumerateFiles(path, "*.wav", WavSearch).Order(StringComparer.Ordinal).ToList();
            return found.Count > 0 ? found : throw new CliException($"{path}: no .wav files in this folder.");
        }
        return File.Exists(path) ? [path] : throw new CliException($"{path}: no such file or folder.");
    }

    private static readonly EnumerationOptions WavSearch = new()
    {
        RecurseSubdirectories = true,
        MatchCasing = MatchCasing.CaseInsensitive,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden,
    };
}
