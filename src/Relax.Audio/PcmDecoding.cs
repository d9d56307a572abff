using System.Buffers.Binary;

namespace Relax.Audio;

/// <summary>
/// Converts the sample bytes of a WAVE <c>data</c> chunk to floats. Integer PCM is divided by 2^(bits-1), as
/// libsndfile (and therefore the VGGish reference, which reads 16-bit PCM as <c>int16 / 32768</c>) does;
/// A-law and µ-law are expanded to 16-bit linear values with the ITU-T G.711 rules and divided by 32768.
/// </summary>
/// <remarks>
/// Written by hand: NWaves' <c>WaveFile</c> decodes only 8/16/24/32-bit PCM and 32-bit float, without
/// A-law/µ-law, 64-bit float or a check for non-finite samples.
/// </remarks>
internal static class PcmDecoding
{
    private static readonly short[] ALawTable = BuildTable(ALawToLinear);
    private static readonly short[] MuLawTable = BuildTable(MuLawToLinear);

    /// <summary>Expands one G.711 A-law code to a 16-bit linear sample (range ±32256).</summary>
    public static short ALawToLinear(byte code)
    {
        int a = code ^ 0x55;
        int exponent = (a >> 4) & 0x07;
        int mantissa = a & 0x0F;
        int magnitude = exponent == 0
            ? (mantissa << 4) + 8
            : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }

    /// <summary>Expands one G.711 µ-law code to a 16-bit linear sample (range ±32124).</summary>
    public static short MuLawToLinear(byte code)
    {
        int u = ~code & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int magnitude = ((mantissa << 3) + 0x84) << exponent;
        return (short)((u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }

    /// <summary>
    /// Decodes whole sample frames of <paramref name="data"/> into <paramref name="destination"/> (interleaved).
    /// </summary>
    /// <param name="data">The sample bytes; its length must be a multiple of the format's block alignment.</param>
    /// <param name="format">The sample format (not <see cref="WavSampleEncoding.Mpeg"/>).</param>
    /// <param name="destination">Receives <c>data.Length / BytesPerSample</c> samples.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <param name="firstSample">The index in the recording of the first sample decoded, for messages.</param>
    /// <exception cref="InvalidDataException">Float data holds a NaN or infinite sample.</exception>
    /// <exception cref="NotSupportedException">The encoding or container size is not a PCM one.</exception>
    public static void Decode(ReadOnlySpan<byte> data, WavFormat format, Span<float> destination, string sourceName, long firstSample = 0)
    {
        ArgumentNullException.ThrowIfNull(format);
        int size = format.BytesPerSample;
        if (size < 1)
        {
            throw new ArgumentException("The format has no sample container size.", nameof(format));
        }
        int count = data.Length / size;
        if (destination.Length < count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} samples; {count} are needed.", nameof(destination));
        }
        switch (format.Encoding)
        {
            case WavSampleEncoding.PcmUnsigned8:
                for (int i = 0; i < count; i++)
                {
                    destination[i] = (data[i * size + size - 1] - 128) * (1f / 128);
                }
                break;
            case WavSampleEncoding.PcmSigned16:
                for (int i = 0; i < count; i++)
                {
                    // The top two bytes of the container hold the sample (larger containers are left-justified).
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(i * size + size - 2)) * (1f / 32768);
                }
                break;
            case WavSampleEncoding.PcmSigned24:
                for (int i = 0; i < count; i++)
                {
                    int o = i * size + size - 3;
                    int value = (data[o] << 8 | data[o + 1] << 16 | data[o + 2] << 24) >> 8;
                    destination[i] = value * (1f / 8388608);
                }
                break;
            case WavSampleEncoding.PcmSigned32:
                for (int i = 0; i < count; i++)
                {
                    destination[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(data.Slice(i * size)) * (1.0 / 2147483648.0));
                }
                break;
            case WavSampleEncoding.IeeeFloat32:
                for (int i = 0; i < count; i++)
                {
                    float value = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i * size));
                    destination[i] = float.IsFinite(value) ? value : throw NonFinite(sourceName, format, firstSample + i, value);
                }
                break;
            case WavSampleEncoding.IeeeFloat64:
                for (int i = 0; i < count; i++)
                {
                    double value = BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(i * size));
                    destination[i] = double.IsFinite(value) ? (float)value : throw NonFinite(sourceName, format, firstSample + i, value);
                }
                break;
            case WavSampleEncoding.ALaw:
                for (int i = 0; i < count; i++)
                {
                    destination[i] = ALawTable[data[i * size]] * (1f / 32768);
                }
                break;
            case WavSampleEncoding.MuLaw:
                for (int i = 0; i < count; i++)
                {
                    destination[i] = MuLawTable[data[i * size]] * (1f / 32768);
                }
                break;
            default:
                throw new NotSupportedException($"{sourceName}: {format.Encoding} samples are not decoded by {nameof(PcmDecoding)}.");
        }
    }

    private static InvalidDataException NonFinite(string sourceName, WavFormat format, long index, double value) =>
        new($"{sourceName}: float sample {index} (frame {index / format.Channels}, channel {index % format.Channels}) is {value}; " +
            "audio samples must be finite numbers.");

    private static short[] BuildTable(Func<byte, short> expand)
    {
        var table = new short[256];
        for (int i = 0; i < 256; i++)
        {
            table[i] = expand((byte)i);
        }
        return table;
    }
}
