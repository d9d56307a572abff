using System.Buffers.Binary;
using System.Text;

namespace Relax.Audio.Tests;

/// <summary>Builds WAVE files chunk by chunk, including irregular ones.</summary>
internal sealed class WavBuilder
{
    private readonly List<(string Id, byte[] Body, uint? DeclaredSize, bool Pad)> _chunks = [];

    public string RiffId { get; set; } = "RIFF";

    public uint? RiffSize { get; set; }

    public static byte[] Format(int tag, int channels, int rate, int bits, int? blockAlign = null)
    {
        var fmt = new byte[16];
        int align = blockAlign ?? channels * ((bits + 7) / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        return fmt;
    }

    public static byte[] Pcm16(params short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }
        return bytes;
    }

    public static byte[] Float32(params float[] samples)
    {
        var bytes = new byte[samples.Length * 4];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), samples[i]);
        }
        return bytes;
    }

    /// <summary>A WAVE file with silent MPEG-1 layer III frames (128 kbit/s, 44.1 kHz, mono): header FF FB 90 C0, zero side information.</summary>
    public static byte[] SilentMp3Wave(int frames)
    {
        const int frameLength = 417;
        var data = new byte[frames * frameLength];
        for (int f = 0; f < frames; f++)
        {
            data[f * frameLength] = 0xFF;
            data[f * frameLength + 1] = 0xFB;
            data[f * frameLength + 2] = 0x90;
            data[f * frameLength + 3] = 0xC0;
        }
        return new WavBuilder().Chunk("fmt ", Format(0x55, 1, 44100, 0, 1)).Chunk("data", data).Build();
    }

    public WavBuilder Chunk(string id, byte[] body, uint? declaredSize = null, bool pad = true)
    {
        _chunks.Add((id, body, declaredSize, pad));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes(RiffId));
        stream.Write(new byte[4]);
        stream.Write("WAVE"u8);
        Span<byte> size = stackalloc byte[4];
        foreach (var (id, body, declared, pad) in _chunks)
        {
            stream.Write(Encoding.ASCII.GetBytes(id));
            BinaryPrimitives.WriteUInt32LittleEndian(size, declared ?? (uint)body.Length);
            stream.Write(size);
            stream.Write(body);
            if (pad && body.Length % 2 == 1)
            {
                stream.WriteByte(0);
            }
        }
        var bytes = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), RiffSize ?? (uint)(bytes.Length - 8));
        return bytes;
    }
}
