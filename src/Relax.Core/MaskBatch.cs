using Relax.Masks;

namespace Relax;

/// <summary>
/// Which masks to draw: masks <see cref="First"/> … <see cref="First"/> + <see cref="Count"/> − 1 of the run seeded by
/// <see cref="Seed"/>. A generator makes mask n from (seed, n) alone, through <see cref="Uniform"/> and
/// <see cref="Bernoulli"/>, so mask n is the same bits whatever batch it falls in, whichever device it is made on and
/// in whatever order batches run: a run with <c>--batch 64</c> on a CPU and one with <c>--batch 1024</c> on a GPU
/// draw the same masks.
/// </summary>
public readonly record struct MaskBatch
{
    /// <summary>Names the way masks are drawn from seeds (the counter-based generator and how each built-in mask kind
    /// uses it). Settings fingerprints carry it, so that results drawn another way are never mixed with these.</summary>
    public const string StreamVersion = "philox4x64-v1";

    /// <summary>The domain of <see cref="CounterRandom"/> that masks draw from ("masks" in ASCII).</summary>
    private const ulong MaskDomain = 0x736B_7361_6D;

    /// <summary>Creates a batch.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="first">The index of the batch's first mask in the run, at least 0.</param>
    /// <param name="count">How many masks, at least 1.</param>
    public MaskBatch(long seed, long first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Seed = seed;
        First = first;
        Count = count;
    }

    /// <summary>The run's seed.</summary>
    public long Seed { get; }

    /// <summary>The index of the first mask in the run.</summary>
    public long First { get; }

    /// <summary>How many masks.</summary>
    public int Count { get; }

    /// <summary>Fills <paramref name="destination"/> with uniform numbers in [0, 1) for mask <see cref="First"/> +
    /// <paramref name="mask"/>, from one of its streams (a generator uses one stream per purpose: band keeps, offsets, …).</summary>
    /// <param name="mask">The mask within the batch, 0 to <see cref="Count"/> − 1.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="destination">Receives numbers 0, 1, … of that stream.</param>
    public void Uniform(int mask, uint stream, Span<double> destination) => Random.Uniform(Index(mask), stream, destination);

    /// <summary>Writes independent Bernoulli(<paramref name="probability"/>) draws (1 or 0) for mask <see cref="First"/> +
    /// <paramref name="mask"/>: element k is 1 when number k of the stream, as <see cref="Uniform"/> gives it, is below
    /// <paramref name="probability"/>.</summary>
    public void Bernoulli(int mask, uint stream, double probability, Span<byte> destination) =>
        Random.Bernoulli(Index(mask), stream, probability, destination);

    private CounterRandom Random => new(Seed, MaskDomain);

    private long Index(int mask)
    {
        if ((uint)mask >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, $"The batch has masks 0 to {Count - 1}.");
        }
        return First + mask;
    }
}
