using NLayer;

namespace Relax.Audio;

/// <summary>
/// Decodes a WAVE file a block at a time: the header is parsed by <see cref="WavReader"/>'s rules, then
/// <see cref="Read"/> hands out interleaved sample frames read in place from the file (PCM) or decoded from its
/// MPEG frames (with NLayer), so memory does not grow with the recording's length.
/// </summary>
/// <remarks>Not thread-safe; dispose to close the file.</remarks>
internal sealed class WavDecoder : IDisposable
{
    /// <summary>Bytes of PCM data read at a time.</summary>
    private const int ReadBlockBytes = 1 << 20;

    // A layer III frame of the lowest bit rate is 24 bytes and yields 1152 samples per channel, so a data chunk
    // cannot honestly decode to more than about 50 samples per byte and channel; more means a decoder loop.
    private const int MaximumMpegSamplesPerByte = 100;

    private readonly ByteSource _source;
    private readonly long _dataOffset;
    private readonly long _dataLength;
    private readonly List<string> _warnings;
    private readonly MpegFile? _mpeg;
    private readonly long _mpegSampleLimit;
    private byte[]? _block;
    private float[]? _mpegBuffer;
    private long _framesRead;
    private bool _ended;

    private WavDecoder(ByteSource source, string sourceName)
    {
        _source = source;
        SourceName = sourceName;
        _warnings = [];
        try
        {
            (Format, _dataOffset, _dataLength) = WavReader.Parse(source, sourceName, _warnings);
            if (Format.Encoding != WavSampleEncoding.Mpeg)
            {
                FrameCount = _dataLength / Format.BlockAlign;
                if (_dataLength % Format.BlockAlign != 0)
                {
                    _warnings.Add($"the data chunk ends with a partial sample frame ({_dataLength % Format.BlockAlign} of {Format.BlockAlign} bytes), which was dropped");
                }
            }
            else if (_dataLength == 0)
            {
                FrameCount = 0;
            }
            else
            {
                (_mpeg, Format) = OpenMpeg();
                _mpegSampleLimit = Math.Min(WavReader.MaxDecodedFrames * Format.Channels, _dataLength * MaximumMpegSamplesPerByte * Format.Channels + 4608);
            }
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Opens a WAVE file (checked as <see cref="WavReader.MaxFileBytes"/> says; read in place).</summary>
    /// <exception cref="InvalidDataException">Not a readable WAVE file; the message names it and says why.</exception>
    /// <exception cref="NotSupportedException">A sample format that is not decoded.</exception>
    public static WavDecoder Open(string path) => new(ByteSource.OpenFile(path, WavReader.MaxFileBytes), path);

    /// <summary>Opens a WAVE file held in memory.</summary>
    public static WavDecoder Open(byte[] bytes, string sourceName) => new(ByteSource.Of(bytes), sourceName);

    /// <summary>Names the source in messages.</summary>
    public string SourceName { get; }

    /// <summary>The format (for MPEG, with the stream's own channels and rate).</summary>
    public WavFormat Format { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate => Format.SampleRate;

    /// <summary>Interleaved channels.</summary>
    public int Channels => Format.Channels;

    /// <summary>The number of sample frames, when the header tells (PCM); null for MPEG until it has been decoded.</summary>
    public long? FrameCount { get; private set; }

    /// <summary>Sample frames handed out so far.</summary>
    public long FramesRead => _framesRead;

    /// <summary>Irregularities tolerated so far, in plain words.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Reads whole sample frames into <paramref name="interleaved"/> (whose length must hold at least one
    /// frame).</summary>
    /// <returns>The number of frames read; 0 at the end.</returns>
    /// <exception cref="InvalidDataException">A float sample is not finite, the MPEG data is corrupt, or it decodes to
    /// more than <see cref="WavReader.MaxDecodedFrames"/> frames.</exception>
    public int Read(Span<float> interleaved)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interleaved.Length, Channels);
        if (_ended)
        {
            return 0;
        }
        int frames = _mpeg is null ? ReadPcm(interleaved) : ReadMpeg(interleaved);
        if (frames == 0)
        {
            _ended = true;
            FrameCount = _framesRead;
        }
        _framesRead += frames;
        return frames;
    }

    /// <summary>Reads the rest of the recording into memory.</summary>
    /// <exception cref="NotSupportedException">It holds more samples than one array can.</exception>
    public WavAudio ReadAll()
    {
        var samples = new List<float[]>();
        long total = 0;
        var buffer = new float[Math.Max(Channels, (int)Math.Min((FrameCount ?? (1 << 16)) * Channels, 1 << 20) / Channels * Channels)];
        int frames;
        while ((frames = Read(buffer)) > 0)
        {
            total += (long)frames * Channels;
            if (total > Array.MaxLength)
            {
                throw new NotSupportedException($"{SourceName}: {_framesRead} sample frames × {Channels} channels are more samples than one array holds ({Array.MaxLength}); split the file, or read it a block at a time.");
            }
            samples.Add(buffer[..(frames * Channels)]);
        }
        var all = new float[total];
        long at = 0;
        foreach (var block in samples)
        {
            block.CopyTo(all, at);
            at += block.Length;
        }
        return new WavAudio(Format, SampleRate, Channels, all, _warnings);
    }

    private int ReadPcm(Span<float> interleaved)
    {
        long remaining = FrameCount!.Value - _framesRead;
        if (remaining <= 0)
        {
            return 0;
        }
        int blockAlign = Format.BlockAlign;
        int frames = (int)Math.Min(Math.Min(remaining, interleaved.Length / Channels), Math.Max(1, ReadBlockBytes / blockAlign));
        if (frames <= 0)
        {
            return 0;
        }
        _block ??= new byte[Math.Max(blockAlign, ReadBlockBytes / blockAlign * blockAlign)];
        var bytes = _block.AsSpan(0, frames * blockAlign);
        int read = _source.ReadFully(_dataOffset + _framesRead * blockAlign, bytes);
        if (read < bytes.Length)
        {
            // The file shrank after it was opened: what is there is decoded.
            frames = read / blockAlign;
            FrameCount = _framesRead + frames;
            _warnings.Add($"the file became shorter while it was read; {FrameCount} sample frames were decoded");
        }
        PcmDecoding.Decode(bytes[..(frames * blockAlign)], Format, interleaved, SourceName, _framesRead * Channels);
        return frames;
    }

    private (MpegFile Mpeg, WavFormat Format) OpenMpeg()
    {
        MpegFile? mpeg = null;
        try
        {
            mpeg = new MpegFile(new ByteSourceStream(_source, _dataOffset, _dataLength));
            int channels = mpeg.Channels;
            int rate = mpeg.SampleRate;
            if (channels < 1 || channels > 2 || rate < WavReader.MinimumSampleRate || rate > WavReader.MaximumSampleRate)
            {
                throw new InvalidDataException($"{SourceName}: no valid MPEG audio frame was found in the data chunk (format tag 0x{Format.FormatTag:X4}).");
            }
            if (channels != Format.Channels || rate != Format.SampleRate)
            {
                _warnings.Add($"the MPEG stream has {channels} channel(s) at {rate} Hz while the WAVE header declares {Format.Channels} at {Format.SampleRate} Hz; the stream's values were used");
            }
            return (mpeg, Format with { Channels = channels, SampleRate = rate });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            mpeg?.Dispose();
            throw MpegError(e);
        }
    }

    private int ReadMpeg(Span<float> interleaved)
    {
        int channels = Channels;
        _mpegBuffer ??= new float[4608 * channels];
        int want = Math.Min(interleaved.Length / channels, _mpegBuffer.Length / channels) * channels;
        int read;
        try
        {
            read = _mpeg!.ReadSamples(_mpegBuffer, 0, want);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw MpegError(e);
        }
        int frames = read / channels;   // a partial frame can only come at the very end; it is dropped
        if (frames == 0)
        {
            if (_framesRead == 0)
            {
                throw new InvalidDataException($"{SourceName}: the data chunk holds {_dataLength} bytes but no decodable MPEG audio frame (format tag 0x{Format.FormatTag:X4}).");
            }
            return 0;
        }
        if ((_framesRead + frames) * channels > _mpegSampleLimit)
        {
            throw new InvalidDataException(_mpegSampleLimit >= WavReader.MaxDecodedFrames * channels
                ? $"{SourceName}: the MPEG audio decodes to more than {WavReader.MaxDecodedFrames:N0} sample frames, the most accepted (as many as the largest accepted WAV file holds)."
                : $"{SourceName}: the MPEG decoder produced more than {_mpegSampleLimit} samples from {_dataLength} bytes; the data chunk is corrupt.");
        }
        var decoded = _mpegBuffer.AsSpan(0, frames * channels);
        foreach (var value in decoded)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidDataException($"{SourceName}: the MPEG decoder produced a non-finite sample; the data chunk is corrupt.");
            }
        }
        decoded.CopyTo(interleaved);
        return frames;
    }

    // NLayer's own exceptions (InvalidDataException included) do not name the file.
    private InvalidDataException MpegError(Exception e) => e is InvalidDataException && e.Message.StartsWith(SourceName + ":", StringComparison.Ordinal)
        ? (InvalidDataException)e
        : new InvalidDataException($"{SourceName}: the MPEG audio in the data chunk (format tag 0x{Format.FormatTag:X4}) could not be decoded: {e.Message}", e);

    /// <inheritdoc />
    public void Dispose()
    {
        _mpeg?.Dispose();
        _source.Dispose();
    }
}
