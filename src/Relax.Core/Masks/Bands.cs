namespace Relax.Masks;

/// <summary>Random binary bands along one axis, with a random phase so that band edges vary between masks.</summary>
internal static class Bands
{
    /// <summary>Returns (count, length) keep flags, row m for mask m of the batch: the axis is cut into bands of
    /// <paramref name="bandWidth"/> cells starting at a random offset in [0, bandWidth), and each band is kept with
    /// <paramref name="keepProbability"/>. From the mask's <paramref name="stream"/>: number 0 picks the offset, numbers
    /// 1, 2, … decide the bands in order.</summary>
    public static byte[] Draw(MaskBatch batch, int length, int bandWidth, double keepProbability, uint stream)
    {
        int bands = (length + bandWidth - 1) / bandWidth + 1; // enough for any offset
        var pattern = new byte[(long)batch.Count * length];
        var numbers = new double[bands + 1];
        for (int m = 0; m < batch.Count; m++)
        {
            batch.Uniform(m, stream, numbers);
            int offset = Pick(numbers[0], bandWidth);
            var row = pattern.AsSpan(m * length, length);
            for (int i = 0; i < length; i++)
            {
                row[i] = numbers[1 + (i + offset) / bandWidth] < keepProbability ? (byte)1 : (byte)0;
            }
        }
        return pattern;
    }

    /// <summary>A uniform integer in [0, n) from a uniform number in [0, 1).</summary>
    public static int Pick(double uniform, int n) => Math.Min(n - 1, (int)(uniform * n));
}
