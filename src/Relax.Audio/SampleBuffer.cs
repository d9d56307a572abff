namespace Relax.Audio;

/// <summary>A growable window of a long signal: samples from absolute index <see cref="Start"/> on, appended at the
/// end and dropped from the front once no longer needed, so a stage of the streaming front end holds only the samples
/// its next outputs read.</summary>
internal sealed class SampleBuffer
{
    private float[] _items = new float[4096];
    private int _offset;

    /// <summary>The absolute index of the first sample held.</summary>
    public long Start { get; private set; }

    /// <summary>Samples held.</summary>
    public int Count { get; private set; }

    /// <summary>One past the absolute index of the last sample held.</summary>
    public long End => Start + Count;

    /// <summary>The samples held, from <see cref="Start"/>.</summary>
    public Span<float> Items => _items.AsSpan(_offset, Count);

    /// <summary>The held samples from absolute index <paramref name="from"/>, <paramref name="count"/> of them.</summary>
    public ReadOnlySpan<float> Slice(long from, int count) => _items.AsSpan(_offset + checked((int)(from - Start)), count);

    /// <summary>The sample at absolute index <paramref name="index"/>.</summary>
    public float this[long index] => _items[_offset + (int)(index - Start)];

    /// <summary>Appends samples.</summary>
    public void Append(ReadOnlySpan<float> samples)
    {
        samples.CopyTo(Reserve(samples.Length));
    }

    /// <summary>Appends one sample.</summary>
    public void Append(float sample) => Reserve(1)[0] = sample;

    /// <summary>Appends <paramref name="count"/> zeros.</summary>
    public void AppendZeros(int count) => Reserve(count).Clear();

    /// <summary>Drops the samples before absolute index <paramref name="index"/> (none when it is before <see cref="Start"/>).</summary>
    public void DropBefore(long index)
    {
        int drop = (int)Math.Clamp(index - Start, 0, Count);
        _offset += drop;
        Count -= drop;
        Start += drop;
    }

    private Span<float> Reserve(int count)
    {
        if (_offset + Count + count > _items.Length)
        {
            if (Count + count <= _items.Length / 2)
            {
                _items.AsSpan(_offset, Count).CopyTo(_items);   // room enough once the dropped front is reused
            }
            else
            {
                var grown = new float[Math.Max(_items.Length * 2, Count + count)];
                _items.AsSpan(_offset, Count).CopyTo(grown);
                _items = grown;
            }
            _offset = 0;
        }
        var span = _items.AsSpan(_offset + Count, count);
        Count += count;
        return span;
    }
}
