using System.Buffers.Binary;

namespace Relax.IO;

/// <summary>
/// Writes a float32 <c>.npy</c> file a block of rows at a time, for outputs too long to hold in memory (the examples or
/// embeddings of a recording of hours): rows go to a temporary file beside the target, and <see cref="Commit"/> writes
/// the header with the final row count and moves the file into place, so a reader never sees a half-written file
/// and a failure leaves none. The bytes are those <see cref="NpyFile.Write(string, ReadOnlySpan{float}, ReadOnlySpan{long})"/>
/// writes for the same array.
/// </summary>
public sealed class NpyStreamWriter : IDisposable
{
    private readonly string _target;
    private readonly string _temp;
    private readonly long[] _rowShape;
    private readonly long _valuesPerRow;
    private readonly int _headerLength;
    private FileStream? _stream;
    private byte[] _buffer = [];

    /// <summary>Starts writing <paramref name="path"/>: an array of shape <c>(rows, …rowShape)</c>.</summary>
    /// <param name="path">The file to create or replace when committed; its directory is created if missing.</param>
    /// <param name="rowShape">The shape of one row (for example <c>96, 64</c>); dimensions at least 1.</param>
    public NpyStreamWriter(string path, params long[] rowShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(rowShape);
        if (rowShape.Any(d => d < 1))
        {
            throw new ArgumentException($"Row dimensions must be at least 1; got ({string.Join(", ", rowShape)}).", nameof(rowShape));
        }
        _rowShape = rowShape;
        _valuesPerRow = rowShape.Aggregate(1L, (a, b) => checked(a * b));
        _target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(_target) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        Directory.CreateDirectory(directory);
        _temp = Path.Combine(directory, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16);
        var header = NpyFile.Header("<f4", Shape(0));
        _headerLength = header.Length;
        _stream.Write(header);
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends whole rows (C order).</summary>
    /// <exception cref="ArgumentException">The values are not a whole number of rows.</exception>
    public void Append(ReadOnlySpan<float> rows)
    {
        var stream = _stream ?? throw new InvalidOperationException("The file was committed or disposed.");
        if (rows.Length % _valuesPerRow != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not a whole number of rows of {_valuesPerRow}.", nameof(rows));
        }
        if (_buffer.Length < rows.Length * sizeof(float))
        {
            _buffer = new byte[rows.Length * sizeof(float)];
        }
        for (int i = 0; i < rows.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(i * sizeof(float)), rows[i]);
        }
        stream.Write(_buffer, 0, rows.Length * sizeof(float));
        Rows += rows.Length / _valuesPerRow;
    }

    /// <summary>Writes the header with the row count, flushes, and moves the file into place.</summary>
    public void Commit()
    {
        var stream = _stream ?? throw new InvalidOperationException("The file was committed or disposed.");
        var header = NpyFile.Header("<f4", Shape(Rows));
        if (header.Length == _headerLength)
        {
            stream.Position = 0;
            stream.Write(header);
            stream.Flush(flushToDisk: true);
            stream.Dispose();
        }
        else
        {
            // A count with so many digits that the padded header grew: the rows move up behind it.
            var moved = _temp + ".h";
            using (var output = new FileStream(moved, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                output.Write(header);
                stream.Position = _headerLength;
                stream.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            stream.Dispose();
            File.Move(moved, _temp, overwrite: true);
        }
        _stream = null;
        File.Move(_temp, _target, overwrite: true);
    }

    /// <summary>Abandons the file unless it was committed (nothing is left behind).</summary>
    public void Dispose()
    {
        if (_stream is { } stream)
        {
            stream.Dispose();
            _stream = null;
            File.Delete(_temp);
            File.Delete(_temp + ".h");
        }
    }

    private long[] Shape(long rows) => [rows, .. _rowShape];
}
