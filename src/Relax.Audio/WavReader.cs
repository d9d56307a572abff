using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Relax.Audio;

/// <summary>
/// Reads RIFF/WAVE (and RF64) files: integer PCM (unsigned 8-bit, signed 16/24/32-bit), IEEE float 32/64,
/// A-law, µ-law, WAVE_FORMAT_EXTENSIBLE headers and MPEG audio carried in a WAVE container (tags 0x0050, 0x0055).
/// </summary>
/// <remarks>
/// <para>
/// Irregular files are read the way common readers (libsndfile, FFmpeg) read them: unknown chunks (LIST, fact,
/// JUNK, bext, …) are skipped, odd-sized chunks are followed by a pad byte (a missing pad byte is detected),
/// a data size of 0 or 0xFFFFFFFF left by a streaming writer means "up to the end of the file", a data chunk
/// that runs past the end of a truncated file is read as far as it goes, a wrong RIFF size is ignored and a
/// partial final sample frame is dropped. Each such case is reported in <see cref="WavAudio.Warnings"/>.
/// </para>
/// <para>
/// Anything that cannot be read throws <see cref="InvalidDataException"/> (the file is malformed) or
/// <see cref="NotSupportedException"/> (a valid file in a format this reader does not decode); the message names
/// the source, what is wrong and what is accepted.
/// </para>
/// <para>
/// Written by hand rather than with NWaves' <c>WaveFile</c>, which accepts only a few PCM/float formats and
/// well-formed chunk layouts.
/// </para>
/// </remarks>
internal static class WavReader
{
    /// <summary>The lowest sample rate accepted, in Hz.</summary>
    public const int MinimumSampleRate = 1000;

    /// <summary>The highest sample rate accepted, in Hz.</summary>
    public const int MaximumSampleRate = 768_000;

    /// <summary>The most channels accepted.</summary>
    public const int MaximumChannels = 256;

    private const string Accepted = "PCM (unsigned 8-bit, signed 16/24/32-bit), IEEE float (32/64-bit), A-law, µ-law and MPEG audio (tags 0x0050/0x0055), plain or WAVE_FORMAT_EXTENSIBLE";

    // KSDATAFORMAT_SUBTYPE_xxx GUIDs share these bytes after the 16-bit format tag.
    private static ReadOnlySpan<byte> ExtensibleGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads a WAVE file.</summary>
    /// <param name="path">The file to read; its path names it in error messages.</param>
    /// <exception cref="InvalidDataException">The file is not a readable WAVE file; the message says why.</exception>
    /// <exception cref="NotSupportedException">The file uses a sample format that is not decoded.</exception>
    public static WavAudio Read(string path)
    {
        using var decoder = WavDecoder.Open(path);
        return decoder.ReadAll();
    }

    /// <summary>The largest WAVE file accepted: 2 GiB (a RIFF file addresses at most 4 GiB; 2 GiB is more than an hour
    /// of 48 kHz stereo float). Files are read in place (<see cref="WavDecoder"/>), never loaded whole.</summary>
    public static long MaxFileBytes => 2L << 30;

    /// <summary>The most sample frames (samples per channel) a recording may decode to: as many as the largest
    /// accepted file holds at one byte per frame (2^31, 37 hours at 16 kHz). Applies to compressed (MPEG) data too,
    /// which could otherwise decode a few megabytes to hours of audio.</summary>
    public static long MaxDecodedFrames => MaxFileBytes;

    /// <summary>Reads a WAVE file from a stream (read to its end; it need not be seekable).</summary>
    /// <param name="stream">The stream, positioned at the start of the RIFF header.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <exception cref="InvalidDataException">The content is not a readable WAVE file; the message says why.</exception>
    /// <exception cref="NotSupportedException">The content uses a sample format that is not decoded.</exception>
    public static WavAudio Read(Stream stream, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), sourceName);
    }

    /// <summary>Reads a WAVE file held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <exception cref="InvalidDataException">The content is not a readable WAVE file; the message says why.</exception>
    /// <exception cref="NotSupportedException">The content uses a sample format that is not decoded.</exception>
    public static WavAudio Read(byte[] bytes, string sourceName = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var decoder = WavDecoder.Open(bytes, sourceName ?? "<memory>");
        return decoder.ReadAll();
    }

    /// <summary>Finds the format and the data chunk of a WAVE file, reading only chunk headers and the format chunk.</summary>
    internal static (WavFormat Format, long DataOffset, long DataLength) Parse(ByteSource bytes, string name, List<string> warnings)
    {
        long fileLength = bytes.Length;
        if (fileLength < 12)
        {
            throw new InvalidDataException($"{name}: {fileLength} bytes are too few for a WAVE file (the RIFF header alone is 12 bytes).");
        }
        var head = bytes.ReadExactly(0, 12, name);
        var riff = Ascii(head.AsSpan(0, 4));
        bool rf64 = riff == "RF64" || riff == "BW64";
        if (riff != "RIFF" && !rf64)
        {
            throw riff switch
            {
                "RIFX" => new NotSupportedException($"{name}: big-endian RIFX WAVE files are not supported; accepted are little-endian RIFF/RF64 WAVE files."),
                "FORM" => new NotSupportedException($"{name}: this is an AIFF/IFF file; only RIFF/WAVE files are read."),
                "OggS" or "fLaC" => new NotSupportedException($"{name}: this is an Ogg or FLAC file; only RIFF/WAVE files are read."),
                _ when head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 || riff.StartsWith("ID3", StringComparison.Ordinal) =>
                    new NotSupportedException($"{name}: this looks like a bare MPEG audio (MP3) file; only MPEG audio inside a RIFF/WAVE container is read."),
                _ => new InvalidDataException($"{name}: not a RIFF/WAVE file: it starts with {Describe(head.AsSpan(0, 4))} instead of 'RIFF'."),
            };
        }
        var form = Ascii(head.AsSpan(8, 4));
        if (form != "WAVE")
        {
            throw new InvalidDataException($"{name}: the RIFF form type is {Describe(head.AsSpan(8, 4))}, not 'WAVE'.");
        }

        WavFormat? format = null;
        long dataOffset = -1, dataLength = 0;
        long ds64DataSize = -1;
        long position = 12;
        while (position + 8 <= fileLength)
        {
            var header = bytes.ReadExactly(position, 8, name);
            var idBytes = header.AsSpan(0, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4, 4));
            long body = position + 8;
            long available = fileLength - body;
            if (!IsChunkId(idBytes))
            {
                if (format is not null && dataOffset >= 0)
                {
                    warnings.Add($"bytes after the last chunk at offset {position} are not a chunk and were ignored");
                    break;
                }
                throw new InvalidDataException($"{name}: malformed chunk header at offset {position} (id {Describe(idBytes)}); expected a chunk id such as 'fmt ', 'data' or 'LIST'.");
            }
            var id = Ascii(idBytes);
            long chunkLength = size;
            if (id == "data")
            {
                if (dataOffset >= 0)
                {
                    warnings.Add($"a second data chunk at offset {position} was ignored");
                }
                else
                {
                    long declared = size;
                    if (rf64 && size == uint.MaxValue && ds64DataSize >= 0)
                    {
                        declared = ds64DataSize;
                    }
                    else if (size == uint.MaxValue)
                    {
                        declared = available;
                        warnings.Add("the data size is 0xFFFFFFFF (left by a streaming writer); the data was read to the end of the file");
                    }
                    else if (size == 0 && available > 0 && !LooksLikeChunk(bytes, body))
                    {
                        declared = available;
                        warnings.Add("the data size is 0 (left by a streaming writer) but audio follows; the data was read to the end of the file");
                    }
                    if (declared > available)
                    {
                        warnings.Add($"the data chunk declares {declared} bytes but only {available} are present (truncated file); {available} were read");
                        declared = available;
                    }
                    dataOffset = body;
                    dataLength = declared;
                    chunkLength = declared;
                    if (format is not null)
                    {
                        break;
                    }
                }
            }
            else if (id == "fmt ")
            {
                if (size > available)
                {
                    throw new InvalidDataException($"{name}: the 'fmt ' chunk at offset {position} declares {size} bytes, but only {available} bytes follow it.");
                }
                if (format is not null)
                {
                    warnings.Add($"a second 'fmt ' chunk at offset {position} was ignored");
                }
                else
                {
                    // The format needs at most its first 40 bytes; a huge declared 'fmt ' chunk is not read whole.
                    format = ParseFormat(bytes.ReadExactly(body, (int)Math.Min(size, MaxFormatBytesRead), name), name, warnings);
                    if (dataOffset >= 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                if (id == "ds64" && size >= 16 && size <= available)
                {
                    ds64DataSize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes.ReadExactly(body + 8, 8, name)), long.MaxValue);
                }
                if (size > available)
                {
                    if (format is null || dataOffset < 0)
                    {
                        throw new InvalidDataException($"{name}: the '{id}' chunk at offset {position} declares {size} bytes, but only {available} bytes follow it, before a{(format is null ? " 'fmt '" : "")}{(format is null && dataOffset < 0 ? " and a" : "")}{(dataOffset < 0 ? " 'data'" : "")} chunk was found.");
                    }
                    warnings.Add($"the '{id}' chunk at offset {position} runs past the end of the file and was ignored");
                    break;
                }
            }

            long next = body + chunkLength;
            if ((chunkLength & 1) == 1)
            {
                // RIFF pads odd-sized chunks to an even length; some writers forget the pad byte.
                if (next + 1 + 8 <= fileLength && !LooksLikeChunk(bytes, next + 1) && LooksLikeChunk(bytes, next))
                {
                    warnings.Add($"the odd-sized '{id}' chunk at offset {position} is not followed by a pad byte");
                }
                else
                {
                    next++;
                }
            }
            position = next;
        }

        if (format is null)
        {
            throw new InvalidDataException($"{name}: no 'fmt ' chunk was found; a WAVE file needs one before its audio can be decoded.");
        }
        if (dataOffset < 0)
        {
            throw new InvalidDataException($"{name}: no 'data' chunk was found; the file holds no audio.");
        }
        return (format, dataOffset, dataLength);
    }

    /// <summary>The most bytes of a 'fmt ' chunk read (WAVE_FORMAT_EXTENSIBLE needs 40).</summary>
    private const int MaxFormatBytesRead = 256;

    private static WavFormat ParseFormat(ReadOnlySpan<byte> chunk, string name, List<string> warnings)
    {
        if (chunk.Length < 14)
        {
            throw new InvalidDataException($"{name}: the 'fmt ' chunk has {chunk.Length} bytes; at least 14 (WAVEFORMAT) are needed.");
        }
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(chunk[12..]);
        int bits = chunk.Length >= 16 ? BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]) : 0;
        bool extensible = tag == 0xFFFE;
        if (extensible)
        {
            if (chunk.Length < 40)
            {
                throw new InvalidDataException($"{name}: the WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has {chunk.Length} bytes; 40 are needed for the sub-format GUID.");
            }
            var guid = chunk.Slice(24, 16);
            if (!guid[2..].SequenceEqual(ExtensibleGuidTail))
            {
                throw new NotSupportedException($"{name}: the WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)} is not supported; accepted are the KSDATAFORMAT_SUBTYPE GUIDs of {Accepted}.");
            }
            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
        }

        if (channels == 0)
        {
            throw new InvalidDataException($"{name}: the 'fmt ' chunk declares 0 channels; at least 1 is needed.");
        }
        if (channels > MaximumChannels)
        {
            throw new NotSupportedException($"{name}: the 'fmt ' chunk declares {channels} channels; at most {MaximumChannels} are supported.");
        }
        if (rate < MinimumSampleRate || rate > MaximumSampleRate)
        {
            throw new InvalidDataException($"{name}: the 'fmt ' chunk declares a sample rate of {rate.ToString(CultureInfo.InvariantCulture)} Hz; accepted are {MinimumSampleRate} to {MaximumSampleRate} Hz.");
        }

        WavSampleEncoding encoding;
        if (tag is 0x0050 or 0x0055)
        {
            return new WavFormat(tag, WavSampleEncoding.Mpeg, channels, (int)rate, bits, 0, extensible);
        }

        // The container size (bytes per sample) comes from the block alignment when that is consistent,
        // else from the bit depth (as libsndfile does when a writer got the block alignment wrong).
        int fromBits = (bits + 7) / 8;
        int container = blockAlign > 0 && blockAlign % channels == 0 ? blockAlign / channels : 0;
        if (container == 0 || (bits > 0 && container < fromBits))
        {
            if (fromBits == 0)
            {
                throw new InvalidDataException($"{name}: the 'fmt ' chunk declares a block alignment of {blockAlign} bytes for {channels} channels and {bits} bits per sample; the sample size cannot be determined.");
            }
            warnings.Add($"the block alignment {blockAlign} does not fit {channels} channels of {bits}-bit samples; {fromBits * channels} was used");
            container = fromBits;
        }
        if (bits == 0)
        {
            bits = container * 8;
        }

        encoding = tag switch
        {
            1 => container switch
            {
                1 => WavSampleEncoding.PcmUnsigned8,
                2 => WavSampleEncoding.PcmSigned16,
                3 => WavSampleEncoding.PcmSigned24,
                4 => WavSampleEncoding.PcmSigned32,
                _ => throw new NotSupportedException($"{name}: {bits}-bit integer PCM in {container}-byte containers is not supported; accepted are 8, 16, 24 and 32-bit PCM."),
            },
            3 => container switch
            {
                4 => WavSampleEncoding.IeeeFloat32,
                8 => WavSampleEncoding.IeeeFloat64,
                _ => throw new NotSupportedException($"{name}: {bits}-bit IEEE float samples are not supported; accepted are 32 and 64-bit float."),
            },
            6 or 7 => container == 1
                ? (tag == 6 ? WavSampleEncoding.ALaw : WavSampleEncoding.MuLaw)
                : throw new NotSupportedException($"{name}: {(tag == 6 ? "A-law" : "µ-law")} with {container}-byte samples is not supported; G.711 samples are 8-bit."),
            _ => throw new NotSupportedException($"{name}: WAVE format tag 0x{tag:X4}{TagName(tag)} is not supported; accepted are {Accepted}."),
        };
        return new WavFormat(tag, encoding, channels, (int)rate, bits, container * channels, extensible);
    }

    private static string TagName(int tag) => tag switch
    {
        0x0002 => " (Microsoft ADPCM)",
        0x0011 => " (IMA ADPCM)",
        0x0031 => " (GSM 6.10)",
        0x0040 => " (G.721 ADPCM)",
        0x0161 or 0x0162 or 0x0163 => " (Windows Media Audio)",
        0x2000 => " (AC-3)",
        0x00FF or 0x1610 => " (AAC)",
        0xF1AC => " (FLAC)",
        0x6750 or 0x6751 or 0x674F => " (Vorbis)",
        _ => "",
    };

    private static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    // A plausible chunk header: a printable id and a size that fits in the file.
    private static bool LooksLikeChunk(ByteSource bytes, long offset)
    {
        if (offset + 8 > bytes.Length)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[8];
        return bytes.ReadFully(offset, header) == 8
            && IsChunkId(header[..4])
            && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) <= bytes.Length - offset - 8;
    }

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static string Describe(ReadOnlySpan<byte> bytes) =>
        IsChunkId(bytes) ? $"'{Ascii(bytes)}'" : "bytes " + Convert.ToHexString(bytes);
}
