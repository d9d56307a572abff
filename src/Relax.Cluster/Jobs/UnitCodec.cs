namespace Relax.Cluster;

/// <summary>Float32 arrays as the raw bytes units carry (Orleans copies a byte array in one block, a float array
/// value by value), and back with their sizes checked: a peer's bytes are not trusted to match the shape it states.</summary>
internal static class UnitCodec
{
    /// <summary>The most cells a map or example may have (a 96 × 64 example has 6,144).</summary>
    public const int MaxCells = 1 << 22;

    public static byte[] Bytes(float[,] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <exception cref="InvalidDataException">The shape is out of bounds or the bytes do not hold it.</exception>
    public static float[,] Matrix(byte[]? bytes, int height, int width, string what)
    {
        if (height < 1 || width < 1 || (long)height * width > MaxCells || bytes is null || bytes.Length != (long)height * width * sizeof(float))
        {
            throw new InvalidDataException($"{what}: {bytes?.Length ?? 0} bytes for {height} × {width} float32 values (at most {MaxCells} cells).");
        }
        var matrix = new float[height, width];
        Buffer.BlockCopy(bytes, 0, matrix, 0, bytes.Length);
        return matrix;
    }

    /// <exception cref="InvalidDataException">The bytes are not whole float32 values.</exception>
    public static float[] Vector(byte[] bytes, string what)
    {
        if (bytes.Length % sizeof(float) != 0 || bytes.Length / sizeof(float) > MaxCells)
        {
            throw new InvalidDataException($"{what}: {bytes.Length} bytes are not up to {MaxCells} float32 values.");
        }
        var vector = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, vector, 0, bytes.Length);
        return vector;
    }
}
