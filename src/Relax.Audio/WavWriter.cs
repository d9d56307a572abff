using System.Buffers.Binary;

namespace Relax.Audio;

/// <summary>Writes mono 16-bit PCM WAV files (for generated clips and examples), atomically.</summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="samples"/> (in [−1, 1]; clipped) as 16-bit PCM, mono.</summary>
    /// <param name="path">The file to create or replace; written to a temporary file first, then moved.</param>
    /// <param name="samples">The samples.</param>
    /// <param name="sampleRate">Samples per second, 1000 to 768000.</param>
    public static void WritePcm16(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, 768000);
        var bytes = new byte[44 + samples.Length * 2];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + samples.Length * 2);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);              // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);              // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);              // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);             // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++)
        {
            float s = float.IsNaN(samples[i]) ? throw new ArgumentException($"Sample {i} is NaN.", nameof(samples)) : Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], (short)Math.Clamp(Math.Round(s * 32768.0), -32768, 32767)); // readers divide by 32768
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
