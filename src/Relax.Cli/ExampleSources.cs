using Relax.IO;
using Relax.Models.VGGish;

namespace Relax.Cli;

/// <summary>VGGish examples read from a file (all of them, or one window of a long recording): <see cref="Count"/>
/// log-mel patches of 96 × 64, float32, C order.</summary>
/// <param name="Data">The values, <see cref="Count"/> × 96 × 64.</param>
/// <param name="Count">The number of examples.</param>
internal sealed record Examples(float[] Data, long Count);

/// <summary>Turns an input file into VGGish examples. The CLI picks the first source that accepts a file.</summary>
internal interface IExampleSource
{
    /// <summary>What the source reads, for messages ("NumPy .npy examples").</summary>
    string Description { get; }

    /// <summary>Whether this source handles <paramref name="path"/> (by its extension).</summary>
    bool Accepts(string path);

    /// <summary>Reads the examples, in windows (a recording is read a block at a time, so its length does not set the
    /// memory used); at least one window.</summary>
    /// <param name="path">The file.</param>
    /// <param name="warnings">Where reader warnings go.</param>
    /// <param name="frontEnd">The front end's settings, for recordings (ignored for ready-made examples).</param>
    /// <exception cref="CliException">The file cannot be used; the message says why.</exception>
    IEnumerable<Examples> Read(string path, TextWriter? warnings, Relax.Audio.VGGishFrontEndOptions? frontEnd);
}

/// <summary>The input formats of <c>relax embed</c> and <c>relax features</c>.</summary>
internal static class ExampleSources
{
    /// <summary>The sources, in order. Adding an input format is adding its <see cref="IExampleSource"/> here.</summary>
    public static IReadOnlyList<IExampleSource> All { get; } = new IExampleSource[]
    {
        new NpyExampleSource(),
        new WavExampleSource(),
    };

    /// <summary>Reads examples from <paramref name="path"/>, in windows, with the first source that accepts it.</summary>
    /// <exception cref="CliException">No source accepts the file, or it cannot be read.</exception>
    public static IEnumerable<Examples> Read(string path, TextWriter? warnings = null, Relax.Audio.VGGishFrontEndOptions? frontEnd = null)
    {
        RelaxCli.CheckFileExists(path, "a WAV or .npy file");
        var source = All.FirstOrDefault(s => s.Accepts(path))
            ?? throw new CliException($"{path}: unsupported input; expected one of: {string.Join("; ", All.Select(s => s.Description))}.");
        return source.Read(path, warnings, frontEnd);
    }
}

/// <summary>Examples in a NumPy <c>.npy</c> file of shape (n, 96, 64), (n, 1, 96, 64) or (96, 64), float32 or float64,
/// as written by <c>relax features</c> or by Python's VGGish front end (<c>vggish_input.wavfile_to_examples</c>).</summary>
internal sealed class NpyExampleSource : IExampleSource
{
    /// <inheritdoc />
    public string Description => ".npy of (n, 96, 64) float32/float64 examples";

    /// <inheritdoc />
    public bool Accepts(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<Examples> Read(string path, TextWriter? warnings, Relax.Audio.VGGishFrontEndOptions? frontEnd)
    {
        float[] data;
        long[] shape;
        try
        {
            (data, shape) = NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message, e);
        }
        const int frames = VGGishNetwork.Frames, bands = VGGishNetwork.Bands;
        long count = shape switch
        {
            [frames, bands] => 1,
            [var n, frames, bands] => n,
            [var n, 1, frames, bands] => n,
            _ => throw new CliException($"{path}: expected examples of shape (n, {frames}, {bands}); found ({string.Join(", ", shape)})."),
        };
        // A log-mel example is finite (log(x + 0.01) of a finite power); NaN or ∞ would flow through the model into
        // NaN embeddings written with exit code 0.
        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new CliException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{path}: example {bad / (frames * bands)} holds {data[bad]} (value {bad}); expected finite log-mel values."));
        }
        return [new Examples(data, count)];
    }
}

/// <summary>WAV recordings in any common encoding, through the VGGish front end of Relax.Audio (mono, 16 kHz,
/// log-mel examples of 96 × 64, a hop of 96 frames unless <c>--hop</c> says otherwise). A clip shorter than one example (0.96 s) is an error
/// that says so, unless <c>--pad</c> pads it.</summary>
internal sealed class WavExampleSource : IExampleSource
{
    /// <inheritdoc />
    public string Description => ".wav (PCM 8/16/24/32-bit, float, A-law, µ-law, MP3-in-WAV; any rate)";

    /// <inheritdoc />
    public bool Accepts(string path) => path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".wave", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<Examples> Read(string path, TextWriter? warnings, Relax.Audio.VGGishFrontEndOptions? frontEnd)
    {
        foreach (var window in AudioInput.Windows(path, warnings, frontEnd))
        {
            if (window.IsEmpty)
            {
                throw new CliException(AudioInput.NoExamples(path, window));
            }
            yield return new Examples(window.Values, window.Count);
        }
    }
}
