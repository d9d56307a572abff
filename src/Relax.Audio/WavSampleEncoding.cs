namespace Relax.Audio;

/// <summary>How the samples of a WAVE file's <c>data</c> chunk are encoded.</summary>
internal enum WavSampleEncoding
{
    /// <summary>Unsigned 8-bit integer PCM (silence is 128).</summary>
    PcmUnsigned8,

    /// <summary>Signed 16-bit little-endian integer PCM.</summary>
    PcmSigned16,

    /// <summary>Signed 24-bit little-endian integer PCM.</summary>
    PcmSigned24,

    /// <summary>Signed 32-bit little-endian integer PCM.</summary>
    PcmSigned32,

    /// <summary>IEEE 754 32-bit float.</summary>
    IeeeFloat32,

    /// <summary>IEEE 754 64-bit float.</summary>
    IeeeFloat64,

    /// <summary>ITU-T G.711 A-law, 8 bits per sample.</summary>
    ALaw,

    /// <summary>ITU-T G.711 µ-law, 8 bits per sample.</summary>
    MuLaw,

    /// <summary>MPEG audio (layer I, II or III) frames carried in the <c>data</c> chunk (format tags 0x0050 and 0x0055).</summary>
    Mpeg,
}
