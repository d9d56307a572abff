namespace Relax.Audio;

/// <summary>
/// The sample format of a WAVE file, as read from its <c>fmt </c> chunk (for WAVE_FORMAT_EXTENSIBLE, with the
/// format tag taken from the sub-format GUID).
/// </summary>
/// <param name="FormatTag">The effective format tag (1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0x50/0x55 MPEG).</param>
/// <param name="Encoding">How the samples are encoded.</param>
/// <param name="Channels">Number of interleaved channels (at least 1).</param>
/// <param name="SampleRate">Samples per second per channel as declared in the header.</param>
/// <param name="BitsPerSample">Declared bits per sample (0 for MPEG).</param>
/// <param name="BlockAlign">Bytes per sample frame (all channels) used to decode the data; 0 for MPEG.</param>
/// <param name="IsExtensible">Whether the header is WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE).</param>
internal sealed record WavFormat(
    int FormatTag,
    WavSampleEncoding Encoding,
    int Channels,
    int SampleRate,
    int BitsPerSample,
    int BlockAlign,
    bool IsExtensible)
{
    /// <summary>Bytes per sample of one channel (the container size), or 0 for MPEG.</summary>
    public int BytesPerSample => Channels == 0 ? 0 : BlockAlign / Channels;
}
