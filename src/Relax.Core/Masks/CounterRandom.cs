namespace Relax.Masks;

/// <summary>
/// Random numbers addressed by where they are used instead of drawn from a running state: number <c>p</c> of stream
/// <c>s</c> of item <c>i</c> under a seed is a pure function of (seed, domain, i, s, p), so it is the same on every
/// machine and device, in any order, and however the items are split into batches. The function is Philox4x64-10
/// (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011), a counter-based generator
/// that passes TestU01's BigCrush: the key is (seed, domain), the counter (p / 4, s, i, 0), and each 64-bit word
/// becomes a double in [0, 1) from its top 53 bits.
/// </summary>
/// <remarks>Written by hand because nothing available does this: <see cref="Random"/> is sequential (its i-th number
/// needs the i − 1 before it), TorchSharp's generators draw in batch order on one device and cannot live on a GPU in
/// TorchSharp 0.107, and no maintained .NET package offers Philox. <see cref="Block"/> is checked against NumPy's
/// <c>numpy.random.Philox</c> and Random123's known-answer vectors (<c>tools/reference/philox_reference.py</c>).</remarks>
public readonly record struct CounterRandom
{
    private const ulong Multiplier0 = 0xD2E7470EE14C6C93;
    private const ulong Multiplier1 = 0xCA5A826395121157;
    private const ulong Weyl0 = 0x9E3779B97F4A7C15; // golden ratio
    private const ulong Weyl1 = 0xBB67AE8584CAA73B; // √3 − 1
    private const double Unit = 1.0 / (1UL << 53);

    /// <summary>Creates the generator of one seed and domain.</summary>
    /// <param name="seed">The seed (any value).</param>
    /// <param name="domain">Separates uses of the same seed (mask generation, random baselines, …): different domains
    /// give unrelated numbers.</param>
    public CounterRandom(long seed, ulong domain)
    {
        Seed = seed;
        Domain = domain;
    }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>The domain.</summary>
    public ulong Domain { get; }

    /// <summary>Fills <paramref name="destination"/> with numbers 0, 1, 2, … of stream <paramref name="stream"/> of
    /// item <paramref name="index"/>, uniform in [0, 1) with 53 random bits each.</summary>
    public void Uniform(long index, uint stream, Span<double> destination)
    {
        Span<ulong> words = stackalloc ulong[4];
        for (int position = 0; position < destination.Length; position += 4)
        {
            Block((ulong)(position / 4), stream, (ulong)index, 0, (ulong)Seed, Domain, words);
            int n = Math.Min(4, destination.Length - position);
            for (int k = 0; k < n; k++)
            {
                destination[position + k] = (words[k] >> 11) * Unit;
            }
        }
    }

    /// <summary>Writes 1 where number k of stream <paramref name="stream"/> of item <paramref name="index"/> (as
    /// <see cref="Uniform"/> draws it) is below <paramref name="probability"/>, else 0: independent Bernoulli draws.</summary>
    public void Bernoulli(long index, uint stream, double probability, Span<byte> destination)
    {
        Span<ulong> words = stackalloc ulong[4];
        for (int position = 0; position < destination.Length; position += 4)
        {
            Block((ulong)(position / 4), stream, (ulong)index, 0, (ulong)Seed, Domain, words);
            int n = Math.Min(4, destination.Length - position);
            for (int k = 0; k < n; k++)
            {
                destination[position + k] = (words[k] >> 11) * Unit < probability ? (byte)1 : (byte)0;
            }
        }
    }

    /// <summary>Philox4x64 with 10 rounds: the four output words of counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    /// <param name="c0">Counter word 0.</param>
    /// <param name="c1">Counter word 1.</param>
    /// <param name="c2">Counter word 2.</param>
    /// <param name="c3">Counter word 3.</param>
    /// <param name="k0">Key word 0.</param>
    /// <param name="k1">Key word 1.</param>
    /// <param name="output">At least four words; receives the block.</param>
    public static void Block(ulong c0, ulong c1, ulong c2, ulong c3, ulong k0, ulong k1, Span<ulong> output)
    {
        if (output.Length < 4)
        {
            throw new ArgumentException("A Philox4x64 block has four words.", nameof(output));
        }
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += Weyl0;
                k1 += Weyl1;
            }
            ulong hi0 = Math.BigMul(Multiplier0, c0, out ulong lo0);
            ulong hi1 = Math.BigMul(Multiplier1, c2, out ulong lo1);
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
        }
        output[0] = c0;
        output[1] = c1;
        output[2] = c2;
        output[3] = c3;
    }
}
