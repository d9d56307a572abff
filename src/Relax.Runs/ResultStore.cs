using System.Text.Json;
using System.Text.Json.Serialization;
using Relax.IO;

namespace Relax.Runs;

/// <summary>
/// The resume logic shared by the dataset runner and the corpus runner: one folder per unit of work under a root, the
/// unit's files written first and its record (JSON) written atomically and last, so a unit whose record is present,
/// readable and valid for the current settings is finished and is not redone. Anything else (no record, an unreadable
/// one, one from other settings or another version) means the unit is computed again and its files overwritten.
/// </summary>
/// <typeparam name="T">The record type, serialised with System.Text.Json.</typeparam>
/// <param name="root">The folder under which units have their folders.</param>
/// <param name="recordFile">The record's file name in a unit's folder.</param>
/// <param name="camelCase">Property names in camelCase (as the other JSON files a command writes); the dataset runner's
/// records keep the names they have always had, so that folders written before still resume.</param>
internal sealed class ResultStore<T>(string root, string recordFile, bool camelCase = false) where T : class
{
    private static readonly JsonSerializerOptions Pascal = Options(null);
    private static readonly JsonSerializerOptions Camel = Options(JsonNamingPolicy.CamelCase);

    private JsonSerializerOptions Json => camelCase ? Camel : Pascal;

    private static JsonSerializerOptions Options(JsonNamingPolicy? naming) => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = naming,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(naming) },
    };

    /// <summary>A record as its file holds it (UTF-8 JSON).</summary>
    public static byte[] Serialize(T record, bool camelCase = false) => JsonSerializer.SerializeToUtf8Bytes(record, camelCase ? Camel : Pascal);

    /// <summary>A record from <see cref="Serialize"/>'s bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a record.</exception>
    public static T Deserialize(ReadOnlySpan<byte> json, bool camelCase = false)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, camelCase ? Camel : Pascal) ?? throw new InvalidDataException($"The JSON holds no {typeof(T).Name}.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or NullReferenceException)
        {
            throw new InvalidDataException($"Not a readable {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>The folder of one unit (<paramref name="id"/> may hold '/' for nested folders).</summary>
    public string Folder(string id) => Path.Combine(root, id);

    /// <summary>The path of a unit's record.</summary>
    public string RecordPath(string id) => Path.Combine(Folder(id), recordFile);

    /// <summary>Marks a unit finished by writing its record atomically.</summary>
    public void Save(string id, T record)
    {
        var json = Serialize(record, camelCase);
        AtomicFile.Write(RecordPath(id), stream => stream.Write(json));
    }

    /// <summary>A unit's record when present, readable and accepted by <paramref name="isValid"/>; else null.</summary>
    public T? TryLoad(string id, Func<T, bool> isValid)
    {
        var path = RecordPath(id);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var record = JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json);
            return record is not null && isValid(record) ? record : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException or NullReferenceException)
        {
            return null;   // unreadable or from another version: redo it
        }
    }
}
