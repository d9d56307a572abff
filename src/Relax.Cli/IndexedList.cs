using System.Collections;

namespace Relax.Cli;

/// <summary>A list of <paramref name="count"/> items made on demand by their index (the corpus runner indexes a
/// recording's examples; a long recording's are read when asked for, not held).</summary>
internal sealed class IndexedList<T>(int count, Func<int, T> get) : IReadOnlyList<T>
{
    public int Count => count;

    public T this[int index] => index >= 0 && index < count ? get(index) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<T> GetEnumerator()
    {
        for (int k = 0; k < count; k++)
        {
            yield return get(k);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
