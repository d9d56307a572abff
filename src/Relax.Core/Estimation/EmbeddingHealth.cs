using static TorchSharp.torch;

namespace Relax.Estimation;

/// <summary>
/// Watches the masked embeddings of a run for non-finite values and zero vectors on the embedder's device, and reads
/// the verdict on the host only when asked: the explainer asks at check points, not after every batch, so a GPU never
/// waits for the host between batches.
/// </summary>
internal sealed class EmbeddingHealth : IDisposable
{
    private readonly Tensor _firstNonFinite; // the first mask whose embedding is not finite; long.MaxValue while none is
    private readonly Tensor _zeroEmbeddings;

    public EmbeddingHealth(Device device)
    {
        _firstNonFinite = full(1, long.MaxValue, dtype: ScalarType.Int64, device: device);
        _zeroEmbeddings = zeros(1, dtype: ScalarType.Int64, device: device);
    }

    /// <summary>Masked inputs that embedded to the zero vector so far (a read on the host).</summary>
    public long ZeroEmbeddings => _zeroEmbeddings.item<long>();

    /// <summary>Records the embeddings (B, D) of masks <paramref name="firstMask"/> … + B − 1, on the device.</summary>
    public void Add(Tensor embeddings, long firstMask)
    {
        using var scope = NewDisposeScope();
        long count = embeddings.shape[0];
        var finite = isfinite(embeddings).all(1);
        var masks = arange(firstMask, firstMask + count, dtype: ScalarType.Int64, device: embeddings.device).masked_fill(finite, long.MaxValue);
        _firstNonFinite.copy_(minimum(_firstNonFinite, masks.min()));
        _zeroEmbeddings.add_((embeddings.abs().amax(1) == 0).sum());
    }

    /// <summary>Throws when a recorded embedding was not finite, naming the first such mask and its batch.</summary>
    /// <param name="embedder">The embedder, for the message.</param>
    /// <param name="batches">The batches run so far (first mask, count), in order.</param>
    public void ThrowIfNotFinite(IEmbedder embedder, IReadOnlyList<(int First, int Count)> batches)
    {
        long mask = _firstNonFinite.item<long>();
        if (mask == long.MaxValue)
        {
            return;
        }
        var (first, count) = batches.Last(b => b.First <= mask);
        throw new NonFiniteEmbeddingException(
            $"The embedder {embedder.GetType().Name} returned NaN or infinite values for mask {mask} (in the batch of masks {first}–{first + count - 1}); its weights may be broken.", mask);
    }

    /// <summary>Throws when the unmasked input's embedding is not finite (read at once: once per explanation).</summary>
    public static void ThrowIfNotFinite(Tensor reference, IEmbedder embedder)
    {
        if (!isfinite(reference).all().item<bool>())
        {
            throw new NonFiniteEmbeddingException($"The embedder {embedder.GetType().Name} returned NaN or infinite values for the unmasked input; its weights may be broken.", -1);
        }
    }

    public void Dispose()
    {
        _firstNonFinite.Dispose();
        _zeroEmbeddings.Dispose();
    }
}
