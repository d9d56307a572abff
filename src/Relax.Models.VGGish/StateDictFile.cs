using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using Relax.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Relax.Models.VGGish;

/// <summary>The file formats <see cref="StateDictFile"/> reads and writes.</summary>
public enum StateDictFormat
{
    /// <summary>PyTorch's <c>torch.save(state_dict)</c> zip format (PyTorch 1.6 and later), read through TorchSharp.PyBridge.</summary>
    PyTorch,

    /// <summary>Hugging Face safetensors.</summary>
    Safetensors,

    /// <summary>TorchSharp's own <c>Module.save</c> format.</summary>
    TorchSharp,

    /// <summary>NumPy <c>.npz</c> of float arrays (read only; TensorFlow's <c>vggish_pca_params.npz</c>).</summary>
    NumPyZip,

    /// <summary>PyTorch's legacy (before 1.6, not zip) <c>torch.save</c> format, read by a built-in reader that
    /// understands state dicts of tensors only (read only).</summary>
    PyTorchLegacy,
}

/// <summary>
/// Reads a state dictionary (name → tensor) from a PyTorch <c>.pth</c> (zip format through TorchSharp.PyBridge, or the
/// legacy format before PyTorch 1.6), safetensors, TorchSharp or NumPy <c>.npz</c> file, recognising the format from
/// the content, and tells a truncated or corrupt file apart from a missing one.
/// </summary>
public static class StateDictFile
{
    private static readonly byte[] LegacyTorchMagic = { 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 };

    /// <summary>Recognises the format of a file from its first bytes and checks that it is complete (the zip
    /// directory of a PyTorch or .npz file, the header and data extent of a safetensors file).</summary>
    /// <exception cref="VGGishWeightsNotFoundException">The file does not exist.</exception>
    /// <exception cref="VGGishWeightsFormatException">The file is truncated, corrupt or of an unsupported format.</exception>
    public static StateDictFormat Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new VGGishWeightsNotFoundException($"{path}: no such file.", new[] { path });
        }
        using var stream = File.OpenRead(path);
        long length = stream.Length;
        Span<byte> head = stackalloc byte[16];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (length == 0)
        {
            throw new VGGishWeightsFormatException($"{path}: the file is empty (an interrupted download?). Delete it and fetch it again.");
        }
        if (read >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            stream.Position = 0;
            try
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                if (names.Any(n => n.EndsWith("data.pkl", StringComparison.Ordinal)))
                {
                    return StateDictFormat.PyTorch;
                }
                if (names.Count > 0 && names.All(n => n.EndsWith(".npy", StringComparison.Ordinal)))
                {
                    return StateDictFormat.NumPyZip;
                }
                throw new VGGishWeightsFormatException($"{path}: a zip file that is neither a PyTorch checkpoint (no data.pkl) nor a NumPy .npz.");
            }
            catch (InvalidDataException e)
            {
                throw Truncated(path, length, e);
            }
        }
        if (read >= 2 && head[0] == 0x80 && ContainsLegacyMagic(path))
        {
            return StateDictFormat.PyTorchLegacy;
        }
        if (read >= 9 && head[8] == (byte)'{')
        {
            CheckSafetensors(path, stream, length);
            return StateDictFormat.Safetensors;
        }
        return StateDictFormat.TorchSharp;
    }

    /// <summary>Reads every tensor of a state-dictionary file onto the CPU. The caller owns (and disposes) the tensors.</summary>
    /// <exception cref="VGGishWeightsNotFoundException">The file does not exist.</exception>
    /// <exception cref="VGGishWeightsFormatException">The file is truncated, corrupt or of an unsupported format,
    /// or holds values that are not tensors.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        var format = Inspect(path);
        try
        {
            return format switch
            {
                StateDictFormat.PyTorch => LoadPyTorch(path),
                StateDictFormat.Safetensors => Safetensors.LoadStateDict(path),
                StateDictFormat.NumPyZip => LoadNpz(path),
                StateDictFormat.PyTorchLegacy => PyTorchPickleFile.LoadLegacy(path),
                _ => LoadTorchSharp(path),
            };
        }
        catch (Exception e) when (e is not VGGishWeightsException and not OutOfMemoryException)
        {
            throw new VGGishWeightsFormatException($"{path}: could not read the {format} file ({e.GetType().Name}: {e.Message}). It may be truncated or corrupt.", e);
        }
    }

    /// <summary>Writes a state dictionary atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Name → tensor.</param>
    /// <param name="format"><see cref="StateDictFormat.PyTorch"/>, <see cref="StateDictFormat.Safetensors"/> or <see cref="StateDictFormat.TorchSharp"/>.</param>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, StateDictFormat format)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var cpu = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        try
        {
            AtomicFile.Write(path, stream =>
            {
                switch (format)
                {
                    case StateDictFormat.PyTorch:
                        PyTorchPickler.PickleStateDict(stream, new Hashtable(cpu), leaveOpen: true);
                        break;
                    case StateDictFormat.Safetensors:
                        Safetensors.SaveStateDict(stream, cpu, leaveOpen: true);
                        break;
                    case StateDictFormat.TorchSharp:
                        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                        {
                            WriteLeb128(writer, cpu.Count);
                            foreach (var (name, tensor) in cpu)
                            {
                                writer.Write(name);
                                tensor.Save(writer);
                            }
                        }
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(format), format, "Write PyTorch, Safetensors or TorchSharp files.");
                }
            });
        }
        finally
        {
            foreach (var t in cpu.Values)
            {
                t.Dispose();
            }
        }
    }

    private static Dictionary<string, Tensor> LoadPyTorch(string path)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PyBridge reads tensors only; NumPy arrays (as in some PCA parameter files) need the built-in reader.
            return PyTorchPickleFile.LoadZip(path);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is Tensor t)
            {
                result[entry.Key?.ToString() ?? ""] = t;
            }
        }
        if (result.Count == table.Count)
        {
            return result;
        }
        foreach (var t in result.Values)
        {
            t.Dispose();
        }
        return PyTorchPickleFile.LoadZip(path);
    }

    private static Dictionary<string, Tensor> LoadNpz(string path)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            var temp = Path.Combine(Path.GetTempPath(), $"relax-npz-{Guid.NewGuid():N}.npy");
            try
            {
                entry.ExtractToFile(temp);
                var (data, shape) = NpyFile.Read(temp);
                result[Path.GetFileNameWithoutExtension(entry.FullName)] = tensor(data, shape);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        return result;
    }

    private static Dictionary<string, Tensor> LoadTorchSharp(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        long count = ReadLeb128(reader);
        if (count < 0 || count > 1_000_000)
        {
            throw new VGGishWeightsFormatException($"{path}: not a PyTorch, safetensors or TorchSharp weights file.");
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                result[name] = TensorExtensionMethods.Load(reader, false);
            }
            if (stream.Position != stream.Length)
            {
                throw new VGGishWeightsFormatException($"{path}: {stream.Length - stream.Position} bytes follow the last tensor; not a TorchSharp weights file.");
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
        return result;
    }

    private static void CheckSafetensors(string path, Stream stream, long length)
    {
        stream.Position = 0;
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)length - 8)
        {
            throw Truncated(path, length, null);
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long end = 0;
        try
        {
            using var json = JsonDocument.Parse(header);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("data_offsets", out var offsets))
                {
                    end = Math.Max(end, offsets[1].GetInt64());
                }
            }
        }
        catch (JsonException e)
        {
            throw new VGGishWeightsFormatException($"{path}: the safetensors header is not valid JSON.", e);
        }
        if (8 + (long)headerLength + end > length)
        {
            throw Truncated(path, length, null);
        }
    }

    private static bool ContainsLegacyMagic(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[64];
        int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer.AsSpan(0, n).IndexOf(LegacyTorchMagic) >= 0;
    }

    private static VGGishWeightsFormatException Truncated(string path, long length, Exception? inner) =>
        new($"{path}: the file is truncated or corrupt ({length} bytes; an interrupted download?). Delete it and fetch it again.", inner);

    private static long ReadLeb128(BinaryReader reader)
    {
        long result = 0;
        int shift = 0;
        while (true)
        {
            byte b = reader.ReadByte();
            result |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
            shift += 7;
            if (shift > 63)
            {
                return -1;
            }
        }
    }

    private static void WriteLeb128(BinaryWriter writer, long value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }
}
