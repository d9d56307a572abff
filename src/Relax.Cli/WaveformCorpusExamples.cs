using System.Globalization;
using Relax.Audio;
using Relax.Runs;

namespace Relax.Cli;

/// <summary>
/// A recording's examples for an exported model read by samples, as the corpus runner indexes them: each example's
/// samples at the model's rate (<see cref="WaveformExampleReader"/>) and its input made from them when asked for — for
/// a waveform model the power spectrogram of the STFT cells it is explained over (<see cref="Waveform.StftCells.Spectrogram"/>),
/// for a log-mel model with its own preprocessing its log-mel example (<see cref="LogMelSpectrogram.Compute"/>). A first pass counts the examples (and
/// finds what cannot be read) holding at most <see cref="MaxSamplesHeld"/> samples; a longer recording is read again,
/// in order, as its examples are explained.
/// </summary>
internal static class WaveformCorpusExamples
{
    /// <summary>The most samples of one recording held in memory (16 MB, as the log-mel path holds).</summary>
    private const long MaxSamplesHeld = 4L << 20;

    public static CorpusExamples Load(string path, WaveformExampleReader reader, Func<float[], float[,]> input, TextWriter? warnings)
    {
        var held = new List<float[]>();
        int count = 0;
        try
        {
            foreach (var example in reader.Read(path, w => warnings?.WriteLine($"relax: warning: {path}: {w}")))
            {
                count = checked(count + 1);
                if ((long)count * reader.SamplesPerExample <= MaxSamplesHeld)
                {
                    held.Add(example);
                }
                else
                {
                    held.Clear();
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return CorpusExamples.None(e.Message);
        }
        if (count == 0)
        {
            return CorpusExamples.None(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the recording is shorter than one example of the model ({reader.SamplesPerExample / (double)reader.SampleRate:0.###} s at {reader.SampleRate} Hz); --pad pads it with silence."));
        }
        var starts = Enumerable.Range(0, count).Select(k => Math.Round(reader.StartSeconds(k), 4)).ToList();
        IReadOnlyList<float[]> waveforms = held.Count == count ? held : Streamed(count, () => reader.Read(path));
        return new CorpusExamples(new IndexedList<float[,]>(count, k => input(waveforms[k])), starts, Waveforms: waveforms);
    }

    /// <summary>The examples read again from the start whenever an earlier one is asked for, else onwards.</summary>
    private static IndexedList<float[]> Streamed(int count, Func<IEnumerable<float[]>> open)
    {
        IEnumerator<float[]>? examples = null;
        int position = -1;
        return new IndexedList<float[]>(count, k =>
        {
            if (examples is null || k < position)
            {
                examples?.Dispose();
                examples = open().GetEnumerator();
                position = -1;
            }
            while (position < k)
            {
                if (!examples.MoveNext())
                {
                    throw new InvalidOperationException($"The recording gave fewer examples than the {k + 1} counted before; did it change while it was explained?");
                }
                position++;
            }
            var example = examples.Current;
            if (k == count - 1)
            {
                // The last example: the file is closed now, not when the collector gets to it.
                examples.Dispose();
                examples = null;
            }
            return example;
        });
    }
}
