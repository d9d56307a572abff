using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Relax.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format version 1.0, little-endian float32 or float64, C order),
/// so that maps and features move between .NET and Python (<c>numpy.load</c>, <c>numpy.save</c>).
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Writes a float32 array of any shape.</summary>
    /// <param name="path">The file to write (atomically).</param>
    /// <param name="data">The values in C (row-major) order.</param>
    /// <param name="shape">The shape; its product must equal the length of <paramref name="data"/>.</param>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape)
    {
        CheckShape(data.Length, shape);
        var bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
        }
        var header = Header("<f4", shape);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(bytes);
        });
    }

    /// <summary>Writes a two-dimensional float32 array.</summary>
    public static void Write(string path, float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(float));
        Write(path, flat, new long[] { data.GetLength(0), data.GetLength(1) });
    }

    /// <summary>Reads a float32 or float64 array (returned as float32) and its shape.</summary>
    /// <exception cref="InvalidDataException">The file is not a supported <c>.npy</c> file; the message says why.</exception>
    /// <remarks>The file must be a regular file of at most <see cref="MaxFileBytes"/>, and the data its header declares
    /// must be present before any is allocated.</remarks>
    public static (float[] Data, long[] Shape) Read(string path)
    {
        var (stream, _) = InputFile.Open(path, MaxFileBytes, "a NumPy .npy file");
        using (stream)
        {
            return Read(stream, path);
        }
    }

    /// <summary>The largest <c>.npy</c> file <see cref="Read(string)"/> accepts: 2 GiB.</summary>
    public static long MaxFileBytes => 2L << 30;

    /// <summary>Reads a two-dimensional array.</summary>
    /// <exception cref="InvalidDataException">The file is not a 2-D float <c>.npy</c> file.</exception>
    public static float[,] Read2D(string path)
    {
        var (data, shape) = Read(path);
        if (shape.Length != 2)
        {
            throw new InvalidDataException($"{path}: expected a 2-D array, found shape ({string.Join(", ", shape)}).");
        }
        var result = new float[shape[0], shape[1]];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(float));
        return result;
    }

    /// <summary>Reads a float32 or float64 array (returned as float32) and its shape from a stream.</summary>
    /// <param name="stream">The stream, at the start of the <c>.npy</c> content.</param>
    /// <param name="name">Names the source in error messages.</param>
    /// <exception cref="InvalidDataException">The content is not a supported <c>.npy</c> array; the message says why.</exception>
    public static (float[] Data, long[] Shape) Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> prefix = stackalloc byte[10];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a NumPy .npy file (the magic string \\x93NUMPY is missing).");
        }
        byte major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        }
        else if (major is 2 or 3)
        {
            Span<byte> extra = stackalloc byte[2];
            stream.ReadExactly(extra);
            headerLength = checked((int)(BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(extra) << 16)));
        }
        else
        {
            throw new InvalidDataException($"{name}: .npy format version {major} is not supported (1, 2 and 3 are).");
        }

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new InvalidDataException($"{name}: the .npy header is truncated.");
        }
        var header = Encoding.Latin1.GetString(headerBytes);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{name}: the .npy header is malformed: {header.Trim()}");
        }
        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"{name}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray.");
        }
        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long d)
                ? d
                : throw new InvalidDataException($"{name}: the .npy header declares a dimension '{s}' that is not a count."))
            .ToArray();
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension != 0 && count > Array.MaxLength / dimension)
            {
                throw new InvalidDataException($"{name}: the header declares shape ({string.Join(", ", shape)}), too many elements for one array.");
            }
            count *= dimension;
        }

        int size = descr.Groups[1].Value switch
        {
            "<f4" => 4,
            "<f8" => 8,
            var other => throw new InvalidDataException($"{name}: dtype '{other}' is not supported; use little-endian float32 ('<f4') or float64 ('<f8')."),
        };
        if (stream.CanSeek && count * size > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"{name}: the data is truncated: shape ({string.Join(", ", shape)}) needs {count * size} bytes, the file holds {stream.Length - stream.Position} after the header.");
        }
        var raw = new byte[count * size];
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
        {
            throw new InvalidDataException($"{name}: the data is truncated: expected {raw.Length} bytes for shape ({string.Join(", ", shape)}).");
        }
        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = size == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(i * 8));
        }
        return (data, shape);
    }

    internal static byte[] Header(string descr, ReadOnlySpan<long> shape)
    {
        var dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        var text = dict + new string(' ', padding) + "\n";
        var header = new byte[10 + text.Length];
        Magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.Latin1.GetBytes(text, header.AsSpan(10));
        return header;
    }

    private static void CheckShape(int length, ReadOnlySpan<long> shape)
    {
        long product = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape dimensions must not be negative; got ({string.Join(", ", shape.ToArray())}).", nameof(shape));
            }
            product *= d;
        }
        if (product != length)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) holds {product} values, but {length} were given.", nameof(shape));
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
