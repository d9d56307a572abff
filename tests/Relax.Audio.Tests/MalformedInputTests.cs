using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Relax.Audio.Tests;

/// <summary>Bad input fails with <see cref="InvalidDataException"/> or <see cref="NotSupportedException"/> and a clear message.</summary>
public sealed class MalformedInputTests(ITestOutputHelper output)
{
    private const string Name = "bad.wav";

    private static byte[] Valid(int channels = 1, int rate = 16000) =>
        new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, channels, rate, 16)).Chunk("data", WavBuilder.Pcm16(1, 2, 3, 4)).Build();

    private static T Fails<T>(byte[] bytes, string expectedFragment) where T : Exception
    {
        var ex = Assert.Throws<T>(() => WavReader.Read(bytes, Name));
        Assert.StartsWith(Name + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Every_truncation_of_the_header_is_invalid_data()
    {
        var bytes = Valid();
        for (int length = 0; length < 44; length++)
        {
            var ex = Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes[..length], Name));
            Assert.StartsWith(Name + ":", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_chunk_running_past_the_end_before_the_data_is_invalid_data()
    {
        Fails<InvalidDataException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, 1, 16000, 16), 4000).Build(), "declares 4000 bytes");
        Fails<InvalidDataException>(new WavBuilder().Chunk("LIST", [1, 2], 1_000_000).Chunk("fmt ", WavBuilder.Format(1, 1, 16000, 16)).Build(), "'LIST' chunk");
    }

    [Fact]
    public void Zero_channels_is_invalid_data()
    {
        Fails<InvalidDataException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, 0, 16000, 16, 2)).Chunk("data", [0, 0]).Build(), "0 channels");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(999)]
    [InlineData(768_001)]
    [InlineData(int.MaxValue)]
    public void Absurd_sample_rates_are_invalid_data(int rate)
    {
        Fails<InvalidDataException>(Valid(rate: rate), "accepted are 1000 to 768000 Hz");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_float_samples_are_invalid_data(float bad)
    {
        var bytes = new WavBuilder().Chunk("fmt ", WavBuilder.Format(3, 1, 16000, 32)).Chunk("data", WavBuilder.Float32(0.1f, bad, 0.2f)).Build();
        Fails<InvalidDataException>(bytes, "float sample 1");
        var doubles = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(doubles.AsSpan(8), bad);
        Fails<InvalidDataException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(3, 1, 16000, 64)).Chunk("data", doubles).Build(), "must be finite");
    }

    [Fact]
    public void Random_bytes_are_invalid_data()
    {
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes, Name));
        }
    }

    [Theory]
    [InlineData(0x0002, "Microsoft ADPCM")]
    [InlineData(0x0011, "IMA ADPCM")]
    [InlineData(0x1234, "0x1234")]
    public void Compressed_formats_without_a_decoder_are_not_supported_and_the_message_lists_what_is(int tag, string named)
    {
        var ex = Fails<NotSupportedException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(tag, 1, 16000, 4, 256)).Chunk("data", new byte[256]).Build(), named);
        Assert.Contains("A-law", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_containers_are_named()
    {
        var aiff = Valid();
        "FORM"u8.CopyTo(aiff);
        Fails<NotSupportedException>(aiff, "AIFF");
        var rifx = Valid();
        "RIFX"u8.CopyTo(rifx);
        Fails<NotSupportedException>(rifx, "big-endian");
        var avi = Valid();
        "AVI "u8.CopyTo(avi.AsSpan(8));
        Fails<InvalidDataException>(avi, "not 'WAVE'");
    }

    [Fact]
    public void Missing_chunks_and_garbage_mpeg_are_invalid_data()
    {
        Fails<InvalidDataException>(new WavBuilder().Chunk("data", [0, 0]).Build(), "no 'fmt ' chunk");
        Fails<InvalidDataException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(1, 1, 16000, 16)).Build(), "no 'data' chunk");
        var noise = new byte[3000];
        new Random(3).NextBytes(noise);
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] &= 0x7F; // no 0xFF: no MPEG sync word
        }
        Fails<InvalidDataException>(new WavBuilder().Chunk("fmt ", WavBuilder.Format(0x55, 1, 16000, 0, 1)).Chunk("data", noise).Build(), "MPEG");
    }

    [Fact]
    public void A_nan_waveform_is_rejected_by_the_front_end()
    {
        Assert.Throws<ArgumentException>(() => new VGGishFrontEnd().FromWaveform([0f, float.NaN], 16000));
    }

    [Fact]
    public void Mutated_files_fail_only_with_typed_exceptions_and_never_give_non_finite_values()
    {
        string[] seeds = ["s16_16000_mono.wav", "u8_8000_mono.wav", "f32_16000_mono.wav", "alaw_16000_mono.wav", "wavex_s16_16000_stereo.wav", "s24_16000_mono.wav"];
        var originals = seeds.Select(s => Fixtures.Bytes(s)[..Math.Min(Fixtures.Bytes(s).Length, 20_000)]).Append(WavBuilder.SilentMp3Wave(12)).ToArray();
        var random = new Random(20261125);
        var frontEnd = new VGGishFrontEnd(new VGGishFrontEndOptions { PadFinalExample = true });
        int ok = 0, invalid = 0, unsupported = 0;
        var clock = Stopwatch.StartNew();
        const int iterations = 1500;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            var bytes = Mutate((byte[])originals[iteration % originals.Length].Clone(), random);
            try
            {
                var audio = WavReader.Read(bytes, Name);
                Assert.All(audio.Samples, s => Assert.True(float.IsFinite(s)));
                // Keep the fuzz fast: the front end runs on the first half second only.
                var mono = audio.ToMono();
                var result = frontEnd.FromWaveform(mono.AsSpan(0, Math.Min(mono.Length, audio.SampleRate / 2)), audio.SampleRate, Name);
                Assert.All(result.Values, v => Assert.True(float.IsFinite(v)));
                ok++;
            }
            catch (InvalidDataException ex)
            {
                Assert.StartsWith(Name + ":", ex.Message, StringComparison.Ordinal);
                invalid++;
            }
            catch (NotSupportedException ex)
            {
                Assert.StartsWith(Name + ":", ex.Message, StringComparison.Ordinal);
                unsupported++;
            }
        }
        output.WriteLine($"{iterations} mutated files in {clock.Elapsed.TotalSeconds:0.0} s: {ok} read, {invalid} InvalidDataException, {unsupported} NotSupportedException");
    }

    private static byte[] Mutate(byte[] bytes, Random random)
    {
        int mutations = random.Next(1, 6);
        for (int m = 0; m < mutations; m++)
        {
            // Most mutations hit the first 80 bytes, where the headers are.
            int Position() => random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(80, bytes.Length));
            switch (random.Next(6))
            {
                case 0:
                    bytes[Position()] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[Position()] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes = bytes[..random.Next(bytes.Length + 1)];
                    break;
                case 3:
                    {
                        int p = Position();
                        if (p + 4 <= bytes.Length)
                        {
                            uint[] interesting = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, (uint)random.Next(), 3, 0xFFFE];
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(p), interesting[random.Next(interesting.Length)]);
                        }
                        break;
                    }
                case 4:
                    {
                        int p = Position();
                        var insert = new byte[random.Next(1, 9)];
                        random.NextBytes(insert);
                        bytes = [.. bytes[..p], .. insert, .. bytes[p..]];
                        break;
                    }
                default:
                    {
                        int p = Position();
                        int n = Math.Min(random.Next(1, 9), bytes.Length - p);
                        bytes = [.. bytes[..p], .. bytes[(p + n)..]];
                        break;
                    }
            }
            if (bytes.Length == 0)
            {
                break;
            }
        }
        return bytes;
    }
}
