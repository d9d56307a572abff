using NLayer;

namespace Relax.Audio;

/// <summary>Decodes MPEG audio frames (layers I–III) carried in a WAVE <c>data</c> chunk, with NLayer.</summary>
internal static class MpegDecoding
{
    // A layer III frame of the lowest bit rate is 24 bytes and yields 1152 samples per channel, so a data chunk
    // cannot honestly decode to more than about 50 samples per byte and channel; more means a decoder loop.
    private const int MaximumSamplesPerByte = 100;

    public static WavAudio Decode(byte[] bytes, long offset, long length, WavFormat format, string name, List<string> warnings)
    {
        if (length == 0)
        {
            return new WavAudio(format, format.SampleRate, format.Channels, [], warnings);
        }
        try
        {
            using var stream = new MemoryStream(bytes, checked((int)offset), checked((int)length), writable: false);
            using var mpeg = new MpegFile(stream);
            int channels = mpeg.Channels;
            int rate = mpeg.SampleRate;
            if (channels < 1 || channels > 2 || rate < WavReader.MinimumSampleRate || rate > WavReader.MaximumSampleRate)
            {
                throw new InvalidDataException($"{name}: no valid MPEG audio frame was found in the data chunk (format tag 0x{format.FormatTag:X4}).");
            }
            if (channels != format.Channels || rate != format.SampleRate)
            {
                warnings.Add($"the MPEG stream has {channels} channel(s) at {rate} Hz while the WAVE header declares {format.Channels} at {format.SampleRate} Hz; the stream's values were used");
            }

            long limit = Math.Min(Array.MaxLength, length * MaximumSamplesPerByte * channels + 4608);
            var samples = new List<float>(checked((int)Math.Min(limit, length * 12 * channels)));
            var buffer = new float[4608 * channels];
            int read;
            while ((read = mpeg.ReadSamples(buffer, 0, buffer.Length)) > 0)
            {
                if (samples.Count + (long)read > limit)
                {
                    throw new InvalidDataException($"{name}: the MPEG decoder produced more than {limit} samples from {length} bytes; the data chunk is corrupt.");
                }
                samples.AddRange(buffer.AsSpan(0, read));
            }
            if (samples.Count == 0)
            {
                throw new InvalidDataException($"{name}: the data chunk holds {length} bytes but no decodable MPEG audio frame (format tag 0x{format.FormatTag:X4}).");
            }
            int whole = samples.Count - samples.Count % channels;
            var result = new float[whole];
            samples.CopyTo(0, result, 0, whole);
            foreach (var value in result)
            {
                if (!float.IsFinite(value))
                {
                    throw new InvalidDataException($"{name}: the MPEG decoder produced a non-finite sample; the data chunk is corrupt.");
                }
            }
            var decoded = format with { Channels = channels, SampleRate = rate };
            return new WavAudio(decoded, rate, channels, result, warnings);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !ex.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            // NLayer's own exceptions (InvalidDataException included) do not name the file.
            throw new InvalidDataException($"{name}: the MPEG audio in the data chunk (format tag 0x{format.FormatTag:X4}) could not be decoded: {ex.Message}", ex);
        }
    }
}
