using Relax.Audio;

namespace Relax.Cli;

/// <summary>The one place the commands read recordings: the VGGish front end, with its errors turned into one line
/// that names the file, and the search of folders for WAV files.</summary>
internal static class AudioInput
{
    /// <summary>The log-mel examples of a WAV file; what the reader tolerated (a data chunk past the end, say) goes to
    /// <paramref name="warnings"/>, one line per irregularity, once per file.</summary>
    /// <exception cref="CliException">Missing, unreadable, unsupported, or shorter than one example.</exception>
    public static LogMelExamples Read(string path, TextWriter? warnings = null)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file.");
        }
        LogMelExamples examples;
        try
        {
            examples = new VGGishFrontEnd().FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message, e);
        }
        foreach (var warning in examples.Warnings)
        {
            warnings?.WriteLine($"relax: warning: {path}: {warning}");
        }
        if (examples.IsEmpty)
        {
            throw new CliException(examples.Message ?? $"{path}: the recording is shorter than one VGGish example (0.975 s); nothing to explain.");
        }
        return examples;
    }

    /// <summary>The WAV files a path names: the file itself, or every <c>*.wav</c> under a folder, in ordinal order.</summary>
    /// <exception cref="CliException">Nothing there, or a folder without WAV files.</exception>
    public static IEnumerable<string> WavFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var found = Directory.EnumerateFiles(path, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            return found.Count > 0 ? found : throw new CliException($"{path}: no .wav files in this folder.");
        }
        return File.Exists(path) ? [path] : throw new CliException($"{path}: no such file or folder.");
    }
}
