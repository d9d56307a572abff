using Relax.IO;

namespace Relax.Core.Tests;

/// <summary><see cref="NpyStreamWriter"/>: the bytes of <see cref="NpyFile.Write(string, ReadOnlySpan{float}, ReadOnlySpan{long})"/>
/// for the same array however the rows arrive, nothing at the target until committed, and nothing left when abandoned.</summary>
public sealed class NpyStreamWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"relax-npyw-{Guid.NewGuid():N}");

    public NpyStreamWriterTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    public static TheoryData<long[], int, int[]> Cases() => new()
    {
        { [96, 64], 7, [3, 0, 1, 3] },
        { [128], 1000, [1000] },
        { [5], 0, [0] },
        // A header that grows with the count: (0, 1 ×19, 10) pads to 128 bytes, (10, …) to 192.
        { [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10], 10, [4, 6] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rows_appended_in_blocks_give_the_bytes_of_one_write(long[] rowShape, int rows, int[] blocks)
    {
        long perRow = rowShape.Aggregate(1L, (a, b) => a * b);
        var data = Enumerable.Range(0, (int)(rows * perRow)).Select(i => MathF.Sin(i) * 1e3f).ToArray();
        var expected = Path.Combine(_folder, "expected.npy");
        NpyFile.Write(expected, data, [rows, .. rowShape]);

        var target = Path.Combine(_folder, "streamed.npy");
        using (var writer = new NpyStreamWriter(target, rowShape))
        {
            int at = 0;
            foreach (var block in blocks)
            {
                writer.Append(data.AsSpan(at, (int)(block * perRow)));
                at += (int)(block * perRow);
                Assert.False(File.Exists(target));
            }
            Assert.Equal(rows, writer.Rows);
            writer.Commit();
        }

        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(target));
        Assert.Equal(["expected.npy", "streamed.npy"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_abandoned_file_leaves_nothing_and_keeps_the_old_target()
    {
        var target = Path.Combine(_folder, "out.npy");
        File.WriteAllText(target, "old");
        using (var writer = new NpyStreamWriter(target, 3))
        {
            writer.Append([1f, 2f, 3f]);
        }

        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Values_that_are_not_whole_rows_are_refused()
    {
        using var writer = new NpyStreamWriter(Path.Combine(_folder, "out.npy"), 4);

        var error = Assert.Throws<ArgumentException>(() => writer.Append([1f, 2f, 3f]));

        Assert.Contains("3 values are not a whole number of rows of 4", error.Message, StringComparison.Ordinal);
    }
}
