using System.Globalization;
using System.Text;

namespace Relax.IO;

/// <summary>Writes a map as CSV: one line per row (time frame), one column per column (frequency band),
/// invariant culture, round-trippable float formatting.</summary>
internal static class CsvMap
{
    /// <summary>Writes <paramref name="map"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, float[,] map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var text = new StringBuilder();
        for (int i = 0; i < map.GetLength(0); i++)
        {
            for (int j = 0; j < map.GetLength(1); j++)
            {
                if (j > 0)
                {
                    text.Append(',');
                }
                text.Append(map[i, j].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
