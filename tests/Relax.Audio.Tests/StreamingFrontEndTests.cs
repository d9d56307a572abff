using System.Buffers.Binary;

namespace Relax.Audio.Tests;

/// <summary>
/// The front end read a block at a time (<see cref="VGGishFrontEnd.FromFileInWindows"/>): every window holds the bits
/// the whole-recording front end computes for its examples — values, audio, count, padding and message — for every
/// encoding, rate path (same rate, tabulated phases, direct interpolation) and example hop, whatever the window size;
/// and the resampler gives the same samples whatever blocks its input arrives in.
/// </summary>
public sealed class StreamingFrontEndTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"relax-stream-{Guid.NewGuid():N}");

    public StreamingFrontEndTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    public static TheoryData<string, int, int, bool> Recordings()
    {
        var data = new TheoryData<string, int, int, bool>();
        // Long enough for several decoder blocks (65 536 frames) and many windows.
        foreach (var recording in new[] { "s16-44100-stereo-7s", "u8-11127-mono-9s", "f32-48000-stereo-5s", "s24-16000-mono-6s", "s16-44099-mono-4s", "mp3-silent" })
        {
            foreach (var (window, hop, pad) in new[] { (1, 96, false), (3, 96, true), (7, 40, false), (2, 17, true), (64, 96, false) })
            {
                data.Add(recording, window, hop, pad);
            }
        }
        foreach (var fixture in new[] { "s16_44100_stereo.wav", "u8_22257_mono.wav", "ulaw_16000_mono.wav", "wavex_s16_16000_stereo.wav", "f64_16000_mono.wav" })
        {
            data.Add(fixture, 1, 24, true);
            data.Add(fixture, 2, 96, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Windows_hold_the_bits_of_the_whole_recording(string recording, int window, int hop, bool pad)
    {
        var path = recording.EndsWith(".wav", StringComparison.Ordinal) ? Fixtures.PathOf(recording) : Write(recording);
        var frontEnd = new VGGishFrontEnd(new VGGishFrontEndOptions { ExampleHopFrames = hop, PadFinalExample = pad });
        var whole = frontEnd.FromFile(path);
        var windows = frontEnd.FromFileInWindows(path, window).ToList();

        Assert.True(whole.Count > window || recording.EndsWith(".wav", StringComparison.Ordinal) || window == 64, $"{recording}: only {whole.Count} examples");
        Assert.Equal(whole.Count, windows.Sum(w => w.Count));
        Assert.All(windows.SkipLast(1), w => Assert.Equal(window, w.Count));
        long first = 0;
        foreach (var w in windows)
        {
            Assert.Equal(first, w.FirstExample);
            Assert.Equal(hop, w.ExampleHopFrames);
            for (int k = 0; k < w.Count; k++)
            {
                int index = (int)(first + k);
                Assert.True(whole.Example(index).SequenceEqual(w.Example(k)), $"{recording}: example {index} differs in window {first}");
                Assert.Equal(whole.ExampleWaveform(index), w.ExampleWaveform(k));
            }
            first += w.Count;
        }
        var last = windows[^1];
        Assert.Equal(whole.PaddedSamples, last.PaddedSamples);
        Assert.Equal(whole.Message, last.Message);
        if (recording.StartsWith("mp3", StringComparison.Ordinal))
        {
            // MPEG data tells its length only when decoded: a window made before the end holds the duration decoded so far.
            Assert.InRange(last.DurationSeconds, whole.DurationSeconds - 0.96, whole.DurationSeconds);
        }
        else
        {
            Assert.All(windows, w => Assert.Equal(whole.DurationSeconds, w.DurationSeconds));
        }
        Assert.Equal(whole.Warnings, last.Warnings);
        Assert.All(windows.SkipLast(1), w => Assert.Null(w.Message));
    }

    [Fact]
    public void A_recording_shorter_than_an_example_gives_one_empty_window_that_says_why()
    {
        var path = Path.Combine(_folder, "short.wav");
        File.WriteAllBytes(path, new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, 1, 16000, 16)).Chunk("data", WavBuilder.Pcm16(new short[8000])).Build());
        var frontEnd = new VGGishFrontEnd();

        var window = Assert.Single(frontEnd.FromFileInWindows(path, 4));

        Assert.True(window.IsEmpty);
        Assert.Equal(frontEnd.FromFile(path).Message, window.Message);
        Assert.Contains("0.5 s of audio is shorter than one VGGish example", window.Message, StringComparison.Ordinal);
        Assert.Throws<AudioTooShortException>(() => new VGGishFrontEnd(new VGGishFrontEndOptions { RequireExamples = true }).FromFileInWindows(path, 4).ToList());
    }

    [Fact]
    public void A_header_error_surfaces_when_the_windows_are_asked_for_and_names_the_file()
    {
        var path = Path.Combine(_folder, "not-a-wave.wav");
        File.WriteAllBytes(path, "RIFF\0\0\0\0AVI LIST"u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => new VGGishFrontEnd().FromFileInWindows(path));

        Assert.StartsWith($"{path}: the RIFF form type is 'AVI '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_two_gibibyte_recording_opens_and_its_first_window_is_read_without_loading_it()
    {
        // Exactly 2 GiB, sparse: the largest file accepted. Read whole, it overflowed a byte array before a word was said.
        var path = Path.Combine(_folder, "two-gib.wav");
        long size = 2L << 30;
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.Write(new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, 2, 48000, 16)).Chunk("data", [], declaredSize: (uint)(size - 44)).Build());
            file.SetLength(size);
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var window = new VGGishFrontEnd().FromFileInWindows(path, 4).First();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(4, window.Count);
        Assert.Equal(0, window.FirstExample);
        Assert.Equal((size - 44) / 4 / 48000.0, window.DurationSeconds, 9);   // from the header, before the end is read
        Assert.True(allocated < 64L << 20, $"{allocated / 1048576} MiB allocated for the first window of a 2 GiB file");
    }

    public static TheoryData<int, int> RatePairs() => new()
    {
        { 44100, 16000 },   // tabulated phases (160/441)
        { 11127, 16000 },   // tabulated phases, up-sampling
        { 44099, 16000 },   // 16 000 phases: interpolated per sample, as resampy does
        { 8000, 16000 },
    };

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void The_resampler_gives_the_same_bits_whatever_blocks_the_input_arrives_in(int from, int to)
    {
        var random = new Random(from);
        var input = new float[3 * from + 123];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var resampler = KaiserSincResampler.KaiserBest;
        var whole = resampler.Resample(input, from, to);

        var stream = resampler.Open(from, to);
        var output = new SampleBuffer();
        for (int at = 0; at < input.Length;)
        {
            int block = Math.Min(input.Length - at, random.Next(3) switch { 0 => 1, 1 => random.Next(2, 50), _ => random.Next(50, 5000) });
            stream.Push(input.AsSpan(at, block), output);
            at += block;
        }
        stream.Finish(output);

        Assert.Equal(KaiserSincResampler.OutputLength(input.Length, from, to), whole.Length);
        Assert.Equal(whole, output.Items.ToArray());
    }

    private string Write(string recording)
    {
        var path = Path.Combine(_folder, recording + ".wav");
        var random = new Random(recording.Length * 7919 + recording[0]);
        byte[] file = recording switch
        {
            "mp3-silent" => WavBuilder.SilentMp3Wave(300),   // 7.8 s of MPEG frames (decoded in blocks of 1 152 samples)
            _ => Pcm(recording, random),
        };
        File.WriteAllBytes(path, file);
        return path;
    }

    // "<encoding>-<rate>-<mono|stereo>-<seconds>s": a chirp with noise, so every example differs.
    private static byte[] Pcm(string recording, Random random)
    {
        var parts = recording.Split('-');
        int rate = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        int channels = parts[2] == "stereo" ? 2 : 1;
        int frames = rate * int.Parse(parts[3].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture);
        var (tag, bytes) = parts[0] switch { "u8" => (1, 1), "s16" => (1, 2), "s24" => (1, 3), "f32" => (3, 4), _ => throw new ArgumentException(recording) };
        var data = new byte[frames * channels * bytes];
        for (int f = 0; f < frames; f++)
        {
            double t = (double)f / rate;
            for (int c = 0; c < channels; c++)
            {
                double v = 0.4 * Math.Sin(2 * Math.PI * (200 + 300 * t + 100 * c) * t) + 0.1 * (random.NextDouble() * 2 - 1);
                var at = data.AsSpan((f * channels + c) * bytes, bytes);
                switch (parts[0])
                {
                    case "u8": at[0] = (byte)Math.Clamp(128 + v * 127, 0, 255); break;
                    case "s16": BinaryPrimitives.WriteInt16LittleEndian(at, (short)(v * 32767)); break;
                    case "s24":
                        int s24 = (int)(v * 8388607);
                        at[0] = (byte)s24; at[1] = (byte)(s24 >> 8); at[2] = (byte)(s24 >> 16);
                        break;
                    default: BinaryPrimitives.WriteSingleLittleEndian(at, (float)v); break;
                }
            }
        }
        return new WavBuilder().Chunk("fmt ", WavBuilder.Format(tag, channels, rate, bytes * 8)).Chunk("data", data).Build();
    }
}
