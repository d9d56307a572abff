using System.Buffers.Binary;

namespace Relax.Audio.Tests;

public sealed class WavReaderTests
{
    private static readonly short[] Ramp = [0, 1000, -1000, 32767, -32768, 12345, -54, 7];

    private static byte[] Fmt16(int channels = 1, int rate = 16000) => WavBuilder.Format(1, channels, rate, 16);

    private static void AssertRamp(WavAudio audio, int length = 8)
    {
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.Equal(length, audio.FrameCount);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(Ramp[i] / 32768f, audio.Samples[i]);
        }
    }

    [Fact]
    public void Sixteen_bit_pcm_is_scaled_as_int16_over_32768()
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16()).Chunk("data", WavBuilder.Pcm16(Ramp)).Build();
        var audio = WavReader.Read(bytes, "ramp.wav");
        AssertRamp(audio);
        Assert.Empty(audio.Warnings);
        Assert.Equal(WavSampleEncoding.PcmSigned16, audio.Format.Encoding);
    }

    [Fact]
    public void List_fact_and_odd_sized_chunks_are_skipped_with_their_pad_bytes()
    {
        var bytes = new WavBuilder()
            .Chunk("LIST", "INFOISFT\u0005\0\0\0Lavf\0"u8.ToArray())
            .Chunk("fmt ", Fmt16())
            .Chunk("fact", [8, 0, 0, 0])
            .Chunk("odd ", [1, 2, 3]) // padded to 4
            .Chunk("data", WavBuilder.Pcm16(Ramp))
            .Chunk("LIST", [1, 2, 3, 4, 5])
            .Build();
        var audio = WavReader.Read(bytes, "chunks.wav");
        AssertRamp(audio);
        Assert.Empty(audio.Warnings);
    }

    [Fact]
    public void A_missing_pad_byte_after_an_odd_chunk_is_detected()
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16()).Chunk("odd ", [9, 9, 9], pad: false).Chunk("data", WavBuilder.Pcm16(Ramp)).Build();
        var audio = WavReader.Read(bytes, "nopad.wav");
        AssertRamp(audio);
        Assert.Contains(audio.Warnings, w => w.Contains("pad byte", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void Streaming_data_sizes_read_to_the_end_of_the_file(uint declared)
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16()).Chunk("data", WavBuilder.Pcm16(Ramp), declared).Build();
        var audio = WavReader.Read(bytes, "stream.wav");
        AssertRamp(audio);
        Assert.Single(audio.Warnings);
    }

    [Fact]
    public void An_empty_data_chunk_followed_by_a_chunk_gives_no_samples()
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16()).Chunk("data", []).Chunk("LIST", [1, 2, 3, 4]).Build();
        Assert.Equal(0, WavReader.Read(bytes, "empty.wav").FrameCount);
    }

    [Fact]
    public void A_truncated_data_chunk_is_read_as_far_as_it_goes_and_a_partial_frame_is_dropped()
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16()).Chunk("data", WavBuilder.Pcm16(Ramp), 1000).Build();
        var audio = WavReader.Read(bytes[..^1], "cut.wav");
        AssertRamp(audio, 7);
        Assert.Equal(2, audio.Warnings.Count);
    }

    [Fact]
    public void A_wrong_riff_size_is_ignored()
    {
        var builder = new WavBuilder { RiffSize = 12345678 };
        AssertRamp(WavReader.Read(builder.Chunk("fmt ", Fmt16()).Chunk("data", WavBuilder.Pcm16(Ramp)).Build(), "riff.wav"));
    }

    [Fact]
    public void Rf64_takes_the_data_size_from_the_ds64_chunk()
    {
        var ds64 = new byte[28];
        BinaryPrimitives.WriteUInt64LittleEndian(ds64.AsSpan(8), 12); // data size: 6 of the 8 samples
        var builder = new WavBuilder { RiffId = "RF64", RiffSize = uint.MaxValue };
        var bytes = builder.Chunk("ds64", ds64).Chunk("fmt ", Fmt16()).Chunk("data", WavBuilder.Pcm16(Ramp), uint.MaxValue).Build();
        var audio = WavReader.Read(bytes, "big.wav");
        AssertRamp(audio, 6);
        Assert.Empty(audio.Warnings);
    }

    [Fact]
    public void Data_before_fmt_is_accepted()
    {
        AssertRamp(WavReader.Read(new WavBuilder().Chunk("data", WavBuilder.Pcm16(Ramp)).Chunk("fmt ", Fmt16()).Build(), "order.wav"));
    }

    [Fact]
    public void Channels_are_averaged_into_mono()
    {
        var bytes = new WavBuilder().Chunk("fmt ", Fmt16(channels: 3)).Chunk("data", WavBuilder.Pcm16(300, 600, 900, -3, -6, -9)).Build();
        var audio = WavReader.Read(bytes, "three.wav");
        Assert.Equal(2, audio.FrameCount);
        var mono = audio.ToMono();
        Assert.Equal(600 / 32768f, mono[0], 1e-7f);
        Assert.Equal(-6 / 32768f, mono[1], 1e-7f);
    }

    [Fact]
    public void Extensible_float_and_24_in_32_bit_containers_are_decoded()
    {
        static byte[] Extensible(int subTag, int channels, int bits, int container, int validBits)
        {
            var fmt = new byte[40];
            WavBuilder.Format(0xFFFE, channels, 16000, bits, channels * container).CopyTo(fmt, 0);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)validBits);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), (ushort)subTag);
            byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            tail.CopyTo(fmt, 26);
            return fmt;
        }

        var floats = WavReader.Read(new WavBuilder().Chunk("fmt ", Extensible(3, 1, 32, 4, 32)).Chunk("data", WavBuilder.Float32(0.25f, -0.5f)).Build(), "x.wav");
        Assert.Equal(WavSampleEncoding.IeeeFloat32, floats.Format.Encoding);
        Assert.True(floats.Format.IsExtensible);
        Assert.Equal([0.25f, -0.5f], floats.Samples);

        // 24 valid bits left-justified in 32-bit containers: 0x123456 << 8.
        var data = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(data, 0x123456 << 8);
        var pcm = WavReader.Read(new WavBuilder().Chunk("fmt ", Extensible(1, 1, 32, 4, 24)).Chunk("data", data).Build(), "x.wav");
        Assert.Equal(0x123456 / 8388608.0, pcm.Samples[0], 1e-7);
    }

    [Fact]
    public void Mpeg_layer_3_in_a_wave_container_is_decoded_with_nlayer()
    {
        var audio = WavReader.Read(WavBuilder.SilentMp3Wave(20), "silent-mp3.wav");
        Assert.Equal(WavSampleEncoding.Mpeg, audio.Format.Encoding);
        Assert.Equal(44100, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.InRange(audio.FrameCount, 18 * 1152, 20 * 1152);
        Assert.All(audio.Samples, s => Assert.Equal(0f, s));
    }

    [Fact]
    public void Streams_and_files_give_the_same_audio()
    {
        var path = Fixtures.PathOf("s16_16000_mono.wav");
        using var stream = File.OpenRead(path);
        Assert.Equal(WavReader.Read(path).Samples, WavReader.Read(stream, "s").Samples);
    }
}
