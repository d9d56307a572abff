using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Relax.Runs;

/// <summary>
/// The seed of one unit of corpus work, derived from what the unit is — the corpus seed, the recording's content hash,
/// the example's index and the mask kind — and from nothing about when or where it runs. A recording's maps are
/// therefore bit-identical (same device and dtype) whether it is explained alone, inside a corpus, after a resume, in
/// another order or on another worker.
/// </summary>
/// <remarks>The first 8 bytes (little-endian) of the SHA-256 of <c>relax-corpus-v1|seed|hash|example|kind</c>.
/// A cryptographic hash, not because secrecy matters, but because neighbouring examples must get unrelated seeds and
/// the function must never change between versions or platforms (<see cref="string.GetHashCode()"/> does).</remarks>
public static class CorpusSeeds
{
    /// <summary>The seed of example <paramref name="example"/> of a recording, for one mask kind.</summary>
    /// <param name="seed">The corpus seed (<c>--seed</c>).</param>
    /// <param name="contentHash">The recording's content hash.</param>
    /// <param name="example">The example's index in the recording (0-based).</param>
    /// <param name="maskKind">The mask generator's name.</param>
    public static long ForExample(long seed, string contentHash, int example, string maskKind)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        ArgumentNullException.ThrowIfNull(maskKind);
        ArgumentOutOfRangeException.ThrowIfNegative(example);
        var text = string.Create(CultureInfo.InvariantCulture, $"relax-corpus-v1|{seed}|{contentHash}|{example}|{maskKind}");
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }

    /// <summary>The SHA-256 of a file's bytes, in lower-case hex: a recording's content hash.</summary>
    /// <param name="path">A regular file (a device, FIFO or directory is refused before it is opened).</param>
    /// <param name="maxBytes">The largest file accepted.</param>
    /// <exception cref="InvalidDataException">Not a regular file, empty, or larger than <paramref name="maxBytes"/>.</exception>
    public static string HashFile(string path, long maxBytes)
    {
        var (stream, _) = Relax.IO.InputFile.Open(path, maxBytes, "a recording");
        using (stream)
        {
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
    }
}
