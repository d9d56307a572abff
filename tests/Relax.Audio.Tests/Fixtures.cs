using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Relax.Audio.Tests;

/// <summary>Paths of the committed fixtures and a minimal reader of the reference's .npy outputs.</summary>
internal static partial class Fixtures
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(PathOf(fileName));

    /// <summary>Reads a little-endian float32/float64 C-order .npy file (format 1.0) as doubles.</summary>
    public static (double[] Data, int[] Shape) ReadNpy(string fileName)
    {
        var bytes = Bytes(fileName);
        if (bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY" || bytes[6] != 1)
        {
            throw new InvalidDataException($"{fileName}: not a version 1 .npy file");
        }
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        var descr = Regex.Match(header, @"'descr'\s*:\s*'([^']*)'").Groups[1].Value;
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{fileName}: Fortran order");
        }
        var shape = Regex.Match(header, @"'shape'\s*:\s*\(([^)]*)\)").Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        int offset = 10 + headerLength;
        var data = new double[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i)),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset + 8 * i)),
                _ => throw new InvalidDataException($"{fileName}: dtype {descr}"),
            };
        }
        return (data, shape);
    }

    /// <summary>The folder containing Relax.sln, found by walking up from the test assembly.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relax.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
