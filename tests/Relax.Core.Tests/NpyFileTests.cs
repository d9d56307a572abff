using System.Text;
using Relax.IO;

namespace Relax.Core.Tests;

/// <summary>The .npy writer against the format specification (NumPy NEP 1, version 1.0).</summary>
public class NpyFileTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"relax-npy-{Guid.NewGuid():N}.npy");

    [Fact]
    public void Writes_the_header_numpy_writes_for_a_float32_matrix()
    {
        var path = TempFile();
        try
        {
            NpyFile.Write(path, new float[,] { { 1, 2, 3 }, { 4, 5, -0.5f } });
            var bytes = File.ReadAllBytes(path);
            // Magic, version 1.0, then a little-endian header length such that the data starts at a multiple of 64.
            Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
            int headerLength = bytes[8] | (bytes[9] << 8);
            Assert.Equal(118, headerLength); // what numpy.save writes for this array: data at offset 128
            var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header, StringComparison.Ordinal);
            Assert.EndsWith("\n", header, StringComparison.Ordinal);
            Assert.Equal(128 + 6 * 4, bytes.Length);
            Assert.Equal(-0.5f, BitConverter.ToSingle(bytes, 128 + 5 * 4));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Round_trips_any_shape_and_reads_float64()
    {
        var path = TempFile();
        try
        {
            var data = Enumerable.Range(0, 24).Select(i => i * 0.25f - 1).ToArray();
            NpyFile.Write(path, data, new long[] { 2, 3, 4 });
            var (read, shape) = NpyFile.Read(path);
            Assert.Equal(new long[] { 2, 3, 4 }, shape);
            Assert.Equal(data, read);

            NpyFile.Write(path, new float[] { 1, 2 }, new long[] { 2 });
            Assert.Contains("'shape': (2,)", File.ReadAllText(path, Encoding.Latin1), StringComparison.Ordinal);

            // A float64 file as numpy writes it.
            var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
            header += new string(' ', 64 - (10 + header.Length + 1) % 64) + "\n";
            using (var stream = File.Create(path))
            {
                stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 });
                stream.Write(Encoding.ASCII.GetBytes(header));
                foreach (var v in new[] { 0.5, -2.0, 3.25 })
                {
                    stream.Write(BitConverter.GetBytes(v));
                }
            }
            Assert.Equal(new float[] { 0.5f, -2f, 3.25f }, NpyFile.Read(path).Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("not numpy at all", "magic")]
    [InlineData("\u0093NUMPY\u0001\u0000\u0040\u0000{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", "dtype")]
    [InlineData("\u0093NUMPY\u0001\u0000\u0040\u0000{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran")]
    [InlineData("\u0093NUMPY\u0001\u0000\u00ff\u0000{'descr'", "truncated")]
    public void Rejects_unsupported_or_broken_files_with_the_reason(string content, string reason)
    {
        var path = TempFile();
        try
        {
            var padded = content.Length > 10 && content.StartsWith('\u0093') && content[8] == '\u0040'
                ? content.PadRight(10 + 64 - 1) + "\n"
                : content;
            File.WriteAllBytes(path, Encoding.Latin1.GetBytes(padded));
            var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
            Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rejects_shapes_that_do_not_match_the_data()
    {
        Assert.Throws<ArgumentException>(() => NpyFile.Write(TempFile(), new float[] { 1, 2, 3 }, new long[] { 2, 2 }));
    }
}

/// <summary>Hostile or odd <c>.npy</c> inputs: one <see cref="InvalidDataException"/> that names the file, before any
/// large allocation.</summary>
public class HostileNpyTests
{
    private static string Write(string header, int dataBytes = 16)
    {
        int padding = (64 - (10 + header.Length + 1) % 64) % 64;
        var text = header + new string(' ', padding) + "\n";
        var path = Path.Combine(Path.GetTempPath(), $"relax-hostile-{Guid.NewGuid():N}.npy");
        using var stream = File.Create(path);
        stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(text.Length & 0xff), (byte)(text.Length >> 8) });
        stream.Write(Encoding.Latin1.GetBytes(text));
        stream.Write(new byte[dataBytes]);
        return path;
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 64), }", "not a count")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", "too many elements")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000, 96, 64), }", "too many elements")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 96, 64), }", "the data is truncated")]
    public void A_header_that_claims_more_than_the_file_holds_is_refused_naming_the_file(string header, string message)
    {
        var path = Write(header);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Devices_and_directories_are_not_npy_files()
    {
        Assert.Contains("not a regular file", Assert.Throws<InvalidDataException>(() => NpyFile.Read("/dev/zero")).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", Assert.Throws<InvalidDataException>(() => NpyFile.Read(Path.GetTempPath())).Message, StringComparison.Ordinal);
    }
}
