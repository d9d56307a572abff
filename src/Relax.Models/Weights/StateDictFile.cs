using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using Relax.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Relax.Models.Weights;

/// <summary>The file formats <see cref="StateDictFile"/> reads and writes.</summary>
public enum StateDictFormat
{
    /// <summary>PyTorch's <c>torch.save(state_dict)</c> zip format (PyTorch 1.6 and later), through TorchSharp.PyBridge.</summary>
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
/// Reads a state dictionary (name → tensor) from a PyTorch <c>.pth</c> (the zip format, or the
/// legacy format before PyTorch 1.6), safetensors, TorchSharp or NumPy <c>.npz</c> file, recognising the format from
/// the content, and tells a truncated or corrupt file apart from a missing one.
/// </summary>
public static class StateDictFile
{
    private static readonly byte[] LegacyTorchMagic = { 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 };

    /// <summary>Recognises the format of a file from its first bytes and checks that it is complete (the zip
    /// directory of a PyTorch or .npz file, the header and data extent of a safetensors file).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightsFormatException">The file is truncated, corrupt or of an unsupported format.</exception>
    public static StateDictFormat Inspect(string path) => Inspect(path, StateDictBudget.Default);

    private static StateDictFormat Inspect(string path, StateDictBudget budget)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }
        FileStream stream;
        long length;
        try
        {
            // A regular file no larger than the tensors may be (plus room for pickles and headers).
            (stream, length) = InputFile.Open(path, budget.MaxTotalBytes + (64L << 20), "a weights file (.pth, .safetensors, .npz or TorchSharp format)");
        }
        catch (InvalidDataException e)
        {
            throw new WeightsFormatException(e.Message, e);
        }
        using var owned = stream;
        Span<byte> head = stackalloc byte[16];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (read >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            stream.Position = 0;
            try
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
                CheckZipEntries(path, zip, budget);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                if (names.Any(n => n.EndsWith("data.pkl", StringComparison.Ordinal)))
                {
                    return StateDictFormat.PyTorch;
                }
                if (names.Count > 0 && names.All(n => n.EndsWith(".npy", StringComparison.Ordinal)))
                {
                    return StateDictFormat.NumPyZip;
                }
                throw new WeightsFormatException($"{path}: a zip file that is neither a PyTorch checkpoint (no data.pkl) nor a NumPy .npz.");
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
            CheckSafetensors(path, stream, length, budget);
            return StateDictFormat.Safetensors;
        }
        return StateDictFormat.TorchSharp;
    }

    /// <summary>Reads every tensor of a state-dictionary file onto the CPU. The caller owns (and disposes) the tensors.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightsFormatException">The file is truncated, corrupt or of an unsupported format,
    /// or holds values that are not tensors.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, null);

    /// <summary>Reads every tensor of a state-dictionary file onto the CPU within a byte budget, checked against what the
    /// file declares before any tensor data is read or inflated. The caller owns (and disposes) the tensors.</summary>
    /// <param name="path">The file.</param>
    /// <param name="budget">Bytes per tensor and in all; <see cref="StateDictBudget.Default"/> when null, or
    /// <see cref="StateDictBudget.For"/> the model the file is meant for.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightsFormatException">The file is not a regular file, is truncated, corrupt, of an
    /// unsupported format, declares more than the budget, or holds values that are not tensors.</exception>
    public static Dictionary<string, Tensor> Load(string path, StateDictBudget? budget)
    {
        TorchBackend.EnsureAvailable();
        budget ??= StateDictBudget.Default;
        var format = Inspect(path, budget);
        try
        {
            return format switch
            {
                StateDictFormat.PyTorch => LoadPyTorch(path, budget),
                StateDictFormat.Safetensors => Safetensors.LoadStateDict(path),
                StateDictFormat.NumPyZip => LoadNpz(path),
                StateDictFormat.PyTorchLegacy => PyTorchPickleFile.LoadLegacy(path, budget),
                _ => LoadTorchSharp(path, budget),
            };
        }
        catch (Exception e) when (e is not ModelException and not OutOfMemoryException)
        {
            throw new WeightsFormatException($"{path}: could not read the {format} file ({e.GetType().Name}: {e.Message}). It may be truncated or corrupt.", e);
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

    /// <summary>The zip format through TorchSharp.PyBridge, falling back to the built-in reader for pickles that hold
    /// NumPy arrays. Every zip entry's declared size has been held to the budget by <see cref="Inspect(string, StateDictBudget)"/>,
    /// and <see cref="PyTorchPickleFile.CheckZip"/> holds what the pickle declares (storage sizes, views) to the entries
    /// before PyBridge, which allocates what the pickle declares, reads anything.</summary>
    private static Dictionary<string, Tensor> LoadPyTorch(string path, StateDictBudget budget)
    {
        PyTorchPickleFile.CheckZip(path, budget);
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PyBridge reads tensors only; NumPy arrays (as in some PCA parameter files) need the built-in reader.
            return PyTorchPickleFile.LoadZip(path, budget);
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
        return PyTorchPickleFile.LoadZip(path, budget);
    }

    /// <summary>Each entry is inflated in memory to exactly the size its zip header declares (which
    /// <see cref="CheckZipEntries"/> has held to the budget): no temporary file, and a stream that inflates to more is
    /// corrupt.</summary>
    private static Dictionary<string, Tensor> LoadNpz(string path)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            var bytes = ReadEntry(path, entry);
            var (data, shape) = NpyFile.Read(new MemoryStream(bytes, writable: false), $"{path}:{entry.FullName}");
            result[Path.GetFileNameWithoutExtension(entry.FullName)] = tensor(data, shape);
        }
        return result;
    }

    /// <summary>The inflated bytes of a zip entry, exactly as many as its header declares.</summary>
    internal static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        var bytes = new byte[entry.Length];
        using var stream = entry.Open();
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length || stream.ReadByte() >= 0)
        {
            throw new WeightsFormatException($"{path}: zip entry {entry.FullName} does not inflate to the {entry.Length:N0} bytes its header declares: corrupt or hostile.");
        }
        return bytes;
    }

    /// <summary>Holds every entry's declared (inflated) size to the budget before anything is inflated.</summary>
    private static void CheckZipEntries(string path, ZipArchive zip, StateDictBudget budget)
    {
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            budget.Charge(path, $"zip entry {entry.FullName}", entry.Length, ref total);
        }
    }

    private static Dictionary<string, Tensor> LoadTorchSharp(string path, StateDictBudget budget)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        long count = ReadLeb128(reader);
        if (count < 0 || count > 1_000_000)
        {
            throw new WeightsFormatException($"{path}: not a PyTorch, safetensors or TorchSharp weights file.");
        }
        CheckTorchSharpHeaders(path, reader, count, budget);
        stream.Position = 0;
        ReadLeb128(reader);
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
                throw new WeightsFormatException($"{path}: {stream.Length - stream.Position} bytes follow the last tensor; not a TorchSharp weights file.");
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

    /// <summary>Walks the tensor headers of a TorchSharp-format file (LEB128 dtype, rank and dimensions, then the raw
    /// bytes) without reading any data: each tensor must have a known dtype, a rank of at most 8, and a size within the
    /// budget and within what is left of the file, so that a 25-byte file cannot declare two billion elements.</summary>
    private static void CheckTorchSharpHeaders(string path, BinaryReader reader, long count, StateDictBudget budget)
    {
        var stream = reader.BaseStream;
        long total = 0;
        for (long i = 0; i < count; i++)
        {
            string name;
            try
            {
                name = reader.ReadString();
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
            {
                throw Truncated(path, stream.Length, e);
            }
            long dtype = ReadLeb128(reader), rank = ReadLeb128(reader);
            int size = ElementSize(dtype);
            if (size == 0 || rank is < 0 or > 8)
            {
                throw new WeightsFormatException($"{path}: tensor '{name}' has an unknown dtype ({dtype}) or rank ({rank}); not a TorchSharp weights file.");
            }
            long elements = 1;
            for (long d = 0; d < rank; d++)
            {
                long dimension = ReadLeb128(reader);
                if (dimension < 0 || (dimension > 0 && elements > budget.MaxTensorBytes / size / dimension))
                {
                    throw new WeightsFormatException($"{path}: tensor '{name}' declares a dimension of {dimension}, more than the budget of {budget.MaxTensorBytes:N0} bytes per tensor allows.");
                }
                elements *= dimension;
            }
            long bytes = elements * size;
            budget.Charge(path, $"tensor '{name}'", bytes, ref total);
            if (bytes > stream.Length - stream.Position)
            {
                throw Truncated(path, stream.Length, null);
            }
            stream.Seek(bytes, SeekOrigin.Current);
        }
    }

    /// <summary>Bytes per element of a TorchSharp <see cref="ScalarType"/> code; 0 for an unknown one.</summary>
    private static int ElementSize(long dtype) => dtype switch
    {
        (long)ScalarType.Byte or (long)ScalarType.Int8 or (long)ScalarType.Bool => 1,
        (long)ScalarType.Int16 or (long)ScalarType.Float16 or (long)ScalarType.BFloat16 => 2,
        (long)ScalarType.Int32 or (long)ScalarType.Float32 => 4,
        (long)ScalarType.Int64 or (long)ScalarType.Float64 => 8,
        _ => 0,
    };

    /// <summary>Checks a safetensors header against the file and the budget: a header of at most 100 MB, every tensor
    /// with a known dtype, non-negative dimensions and offsets, begin ≤ end, end − begin equal to its size, inside the
    /// data section.</summary>
    /// <summary>The largest safetensors header read (its JSON is parsed in memory).</summary>
    internal const ulong MaxSafetensorsHeaderBytes = 100_000_000;

    private static void CheckSafetensors(string path, Stream stream, long length, StateDictBudget budget)
    {
        stream.Position = 0;
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxSafetensorsHeaderBytes)
        {
            throw new WeightsFormatException($"{path}: its safetensors header declares {headerLength:N0} bytes, more than the {MaxSafetensorsHeaderBytes:N0} accepted.");
        }
        if (headerLength > (ulong)length - 8)
        {
            throw Truncated(path, length, null);
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = length - 8 - (long)headerLength;
        long total = 0;
        try
        {
            using var json = JsonDocument.Parse(header);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }
                var t = property.Value;
                if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("dtype", out var dtype) || !t.TryGetProperty("shape", out var shape)
                    || !t.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
                    || shape.ValueKind != JsonValueKind.Array)
                {
                    throw new WeightsFormatException($"{path}: safetensors entry '{property.Name}' lacks dtype, shape or data_offsets.");
                }
                int size = dtype.GetString() switch
                {
                    "F64" or "I64" or "U64" => 8,
                    "F32" or "I32" or "U32" => 4,
                    "F16" or "BF16" or "I16" or "U16" => 2,
                    "I8" or "U8" or "BOOL" => 1,
                    var other => throw new WeightsFormatException($"{path}: safetensors entry '{property.Name}' has dtype {other}, which is not read."),
                };
                long elements = 1;
                foreach (var dimension in shape.EnumerateArray())
                {
                    long d = dimension.GetInt64();
                    if (d < 0 || (d > 0 && elements > budget.MaxTensorBytes / size / d))
                    {
                        throw new WeightsFormatException($"{path}: safetensors entry '{property.Name}' declares a dimension of {d}, outside the budget of {budget.MaxTensorBytes:N0} bytes per tensor.");
                    }
                    elements *= d;
                }
                long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
                if (begin < 0 || end < begin || end > dataLength || end - begin != elements * size)
                {
                    throw new WeightsFormatException($"{path}: safetensors entry '{property.Name}' has data_offsets [{begin}, {end}], which do not fit its shape and dtype ({elements * size} bytes) inside the {dataLength} data bytes.");
                }
                budget.Charge(path, $"safetensors entry '{property.Name}'", end - begin, ref total);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new WeightsFormatException($"{path}: the safetensors header is not valid JSON of the expected form.", e);
        }
    }

    private static bool ContainsLegacyMagic(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[64];
        int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer.AsSpan(0, n).IndexOf(LegacyTorchMagic) >= 0;
    }

    private static WeightsFormatException Truncated(string path, long length, Exception? inner) =>
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
