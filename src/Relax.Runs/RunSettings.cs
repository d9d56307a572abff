using System.Globalization;
using System.Text.Json;

namespace Relax.Runs;

/// <summary>
/// The settings a job's results depend on, as one record of named values in a fixed order, with one canonical form:
/// what a run's output folder stores (<see cref="WriteJson"/>: <c>corpus.json</c>), what every finished unit is stamped
/// with (<see cref="ToLine"/>: a unit is reused only when its line is the run's), and what the cluster sends its
/// workers (<see cref="Names"/> and <see cref="Values"/>, rebuilt with <see cref="FromPairs"/>). Every job builds its
/// record from its options (<see cref="CorpusOptions.Fingerprint"/>, <see cref="DatasetEvaluator.Fingerprint"/>, the
/// RELAX part by <see cref="RelaxSettings"/>), never by hand.
/// </summary>
/// <remarks>
/// <para>A name appears once and holds no <c>=</c>, <c>;</c>, <c>\</c> or control character (Relax's own are
/// lower-case words with dots, <c>relax.count</c>); a value is any text.</para>
/// <para>Versions: <see cref="CurrentVersion"/> is 1, the form of every folder written so far, which records no version
/// (so that those folders resume, byte for byte). A later form will write <see cref="VersionName"/>; a folder whose
/// version is not this build's is refused with a message naming both (<see cref="Differences"/>).</para>
/// </remarks>
public sealed class RunSettings : IEquatable<RunSettings>
{
    /// <summary>The version of the settings' form this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The name under which a version other than 1 is recorded.</summary>
    public const string VersionName = "settings.version";

    private static readonly JsonWriterOptions Indented = new() { Indented = true };
    private readonly string[] _names;
    private readonly string[] _values;

    /// <summary>Creates the record, in the order given.</summary>
    /// <param name="values">The named values.</param>
    /// <exception cref="ArgumentException">A malformed or repeated name, or a null value.</exception>
    public RunSettings(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var pairs = values.ToList();
        _names = new string[pairs.Count];
        _values = new string[pairs.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < pairs.Count; i++)
        {
            var (name, value) = (pairs[i].Key, pairs[i].Value);
            if (string.IsNullOrEmpty(name) || name.Any(c => char.IsControl(c) || c is '=' or ';' or '\\'))
            {
                throw new ArgumentException($"Setting name '{name}': give a name without '=', ';', '\\' or control characters.", nameof(values));
            }
            if (!seen.Add(name))
            {
                throw new ArgumentException($"The setting '{name}' is given twice.", nameof(values));
            }
            if (value is null)
            {
                throw new ArgumentException($"The setting '{name}' has no value.", nameof(values));
            }
            (_names[i], _values[i]) = (name, value);
        }
    }

    /// <summary>No settings.</summary>
    public static RunSettings Empty { get; } = new([]);

    /// <summary>The names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The values, in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>How many settings there are.</summary>
    public int Count => _names.Length;

    /// <summary>The value of a setting, or null when the record has none of that name.</summary>
    public string? this[string name]
    {
        get
        {
            int i = Array.IndexOf(_names, name);
            return i >= 0 ? _values[i] : null;
        }
    }

    /// <summary>The record from names and values as <see cref="Names"/> and <see cref="Values"/> give them (a cluster
    /// worker's side).</summary>
    /// <exception cref="ArgumentException">Different counts, or what the constructor refuses.</exception>
    public static RunSettings FromPairs(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        return names.Count == values.Count
            ? new(names.Select((n, i) => KeyValuePair.Create(n, values[i])))
            : throw new ArgumentException($"{names.Count} setting names for {values.Count} values.", nameof(values));
    }

    /// <summary>This record followed by <paramref name="more"/>.</summary>
    /// <exception cref="ArgumentException">A name in both.</exception>
    public RunSettings Then(RunSettings more)
    {
        ArgumentNullException.ThrowIfNull(more);
        return new(Pairs().Concat(more.Pairs()));
    }

    /// <summary>The same settings ordered by name (ordinal).</summary>
    public RunSettings Sorted() => new(Pairs().OrderBy(p => p.Key, StringComparer.Ordinal));

    /// <summary>The settings as one line, <c>name=value</c> joined by <c>;</c> in order: what a finished unit is
    /// stamped with. A stamp is compared whole and never parsed (values are written as they are, so a model's
    /// description with a <c>;</c> stamps exactly as folders have been stamped); settings travel structured
    /// (<see cref="Names"/>, <see cref="Values"/>) and are stored structured (<see cref="WriteJson"/>).</summary>
    public string ToLine() => string.Join(';', _names.Select((n, i) => $"{n}={_values[i]}"));

    /// <summary>The line.</summary>
    public override string ToString() => ToLine();

    /// <summary>The settings as a dictionary that enumerates them in order (for JSON reports).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var ordered = new OrderedDictionary<string, string>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            ordered.Add(_names[i], _values[i]);
        }
        return ordered;
    }

    /// <summary>Writes the settings as an indented JSON object of strings, in order: an output folder's manifest.</summary>
    public void WriteJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, Indented);
        json.WriteStartObject();
        for (int i = 0; i < _names.Length; i++)
        {
            json.WriteString(_names[i], _values[i]);
        }
        json.WriteEndObject();
    }

    /// <summary>The settings <see cref="WriteJson"/> wrote, in the file's order; null when the bytes are not a JSON
    /// object of strings with well-formed names.</summary>
    public static RunSettings? ReadJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            return values is null ? null : new RunSettings(values);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The settings' version: <see cref="VersionName"/>'s value, or 1 when it is not recorded.</summary>
    public int Version => this[VersionName] is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 1;

    /// <summary>How <paramref name="stored"/> (a folder's) differs from these (the run's), one phrase per setting in
    /// name order: <c>relax.count was 500, now 1000</c>, <c>unset</c> where one side lacks it; first, when the versions
    /// differ, which wrote the folder. Empty when they are the same.</summary>
    public IReadOnlyList<string> Differences(RunSettings stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var changes = new List<string>();
        if (stored.Version != Version)
        {
            changes.Add($"the folder's settings are of version {stored.Version}, this relax writes version {Version}");
        }
        changes.AddRange(_names.Union(stored._names, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(name => stored[name] != this[name])
            .Select(name => $"{name} was {stored[name] ?? "unset"}, now {this[name] ?? "unset"}"));
        return changes;
    }

    /// <inheritdoc />
    public bool Equals(RunSettings? other) => other is not null && _names.AsSpan().SequenceEqual(other._names) && _values.AsSpan().SequenceEqual(other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RunSettings);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToLine());

    private IEnumerable<KeyValuePair<string, string>> Pairs() => _names.Select((n, i) => KeyValuePair.Create(n, _values[i]));
}
