using System.Globalization;

namespace Relax.Runs;

/// <summary>
/// Text cells of the CSV files Relax writes: RFC 4180 quoting (a cell holding a comma, quote or line break is quoted,
/// quotes doubled), and no formulas — a cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage
/// return would run as a formula when the file is opened in a spreadsheet (a label <c>=cmd|…</c> from a labels file, for
/// example), so it gets a leading apostrophe, as OWASP's guidance on CSV injection advises. A cell that is a number
/// (<c>-0.0012</c>, <c>1e-5</c>) is no formula and stays as it is.
/// </summary>
public static class CsvCell
{
    /// <summary>One text cell, quoted and defused as needed.</summary>
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    /// <summary>Text cells joined into one row (without the line break).</summary>
    public static string Row(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return string.Join(',', cells.Select(Text));
    }
}
