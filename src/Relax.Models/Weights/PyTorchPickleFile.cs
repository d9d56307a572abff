using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace Relax.Models.Weights;

/// <summary>
/// Reads state dicts saved by <c>torch.save</c> without TorchSharp.PyBridge: the legacy format (PyTorch before 1.6, or
/// <c>_use_new_zipfile_serialization=False</c>), which PyBridge does not read — five consecutive pickles (magic number,
/// protocol version, system info, the object with storages as persistent ids, the list of storage keys), then each
/// storage as an int64 element count and its raw little-endian bytes — and, as a fallback, the zip format when it
/// holds NumPy arrays, which PyBridge does not read either.
/// </summary>
/// <remarks>Only what a state dict holds is understood: dicts (<c>collections.OrderedDict</c>), tensors
/// (<c>torch._utils._rebuild_tensor_v2</c>, <c>_rebuild_tensor</c>, <c>_rebuild_parameter</c>), NumPy arrays,
/// lists, tuples, strings and numbers. Nothing in the file is executed.</remarks>
internal static class PyTorchPickleFile
{
    private static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture); // 0x1950a86a20f9469cfc6c

    /// <summary>Reads a legacy-format file.</summary>
    public static Dictionary<string, Tensor> LoadLegacy(string path, StateDictBudget budget)
    {
        using var stream = File.OpenRead(path);
        var magic = new Unpickler(stream, null).Load();
        if (magic is not BigInteger m || m != Magic)
        {
            throw new WeightsFormatException($"{path}: not a legacy PyTorch file (wrong magic number).");
        }
        var version = new Unpickler(stream, null).Load();
        if (version is not long v || v != 1001)
        {
            throw new WeightsFormatException($"{path}: legacy PyTorch protocol version {version} is not supported (1001 is).");
        }
        if (new Unpickler(stream, null).Load() is Dictionary<object, object?> info && info.TryGetValue("little_endian", out var little) && little is false)
        {
            throw new WeightsFormatException($"{path}: a big-endian legacy PyTorch file is not supported.");
        }

        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        var root = new Unpickler(stream, pid => PersistentLoad(pid, storages, path)).Load();
        if (new Unpickler(stream, null).Load() is not List<object?> keys)
        {
            throw new WeightsFormatException($"{path}: the storage key list is missing.");
        }

        var data = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            Span<byte> count = stackalloc byte[8];
            foreach (var key in keys.Select(k => k?.ToString() ?? ""))
            {
                if (!storages.TryGetValue(key, out var storage))
                {
                    throw new WeightsFormatException($"{path}: storage '{key}' is listed but not used.");
                }
                if (stream.ReadAtLeast(count, 8, throwOnEndOfStream: false) < 8)
                {
                    throw Truncated(path);
                }
                long elements = BinaryPrimitives.ReadInt64LittleEndian(count);
                if (elements < 0 || elements > budget.MaxTensorBytes / storage.ElementSize)
                {
                    throw new WeightsFormatException($"{path}: storage '{key}' declares {elements:N0} elements, more than the budget of {budget.MaxTensorBytes:N0} bytes per tensor allows.");
                }
                long bytes = elements * storage.ElementSize;
                budget.Charge(path, $"storage '{key}'", bytes, ref total);
                if (bytes > stream.Length - stream.Position || bytes > Array.MaxLength)
                {
                    throw Truncated(path);
                }
                var raw = new byte[bytes];
                stream.ReadExactly(raw);
                var tensor = empty(new[] { elements }, storage.DType);
                tensor.bytes = raw;
                data[key] = tensor;
            }

            return ToStateDict(path, root, data, budget);
        }
        finally
        {
            foreach (var t in data.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Checks a zip-format file before any storage is read: every storage the pickle declares has an entry of
    /// exactly the declared size (so a reader that allocates what the pickle declares allocates no more than the
    /// entries hold, which the budget has bounded), and every tensor is a view that lies inside its storage, with
    /// non-negative strides and offset and no more elements than the budget allows per tensor.</summary>
    /// <remarks>TorchSharp.PyBridge allocates each storage at the size the pickle declares and trusts the views; this
    /// check is what bounds it.</remarks>
    public static void CheckZip(string path, StateDictBudget budget)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var (root, storages, prefix) = ReadZipPickle(path, zip);
        foreach (var storage in storages.Values)
        {
            var entry = zip.GetEntry($"{prefix}data/{storage.Key}")
                ?? throw new WeightsFormatException($"{path}: storage '{storage.Key}' has no entry {prefix}data/{storage.Key}: truncated or corrupt.");
            if (storage.DeclaredElements > long.MaxValue / storage.ElementSize || storage.DeclaredElements * storage.ElementSize != entry.Length)
            {
                throw new WeightsFormatException($"{path}: storage '{storage.Key}' declares {storage.DeclaredElements:N0} elements of {storage.ElementSize} bytes but its entry holds {entry.Length:N0} bytes: corrupt or hostile.");
            }
        }
        if (root is Dictionary<object, object?> dict)
        {
            foreach (var (key, value) in dict)
            {
                if (value is TensorSpec spec)
                {
                    CheckView(path, key.ToString() ?? "", spec, spec.Storage.DeclaredElements, budget);
                }
            }
        }
    }

    /// <summary>Reads a zip-format file (<c>archive/data.pkl</c> and <c>archive/data/KEY</c>).</summary>
    public static Dictionary<string, Tensor> LoadZip(string path, StateDictBudget budget)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var (root, storages, prefix) = ReadZipPickle(path, zip);
        var data = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var storage in storages.Values)
            {
                var entry = zip.GetEntry($"{prefix}data/{storage.Key}") ?? throw Truncated(path);
                var raw = StateDictFile.ReadEntry(path, entry);
                var tensor = empty(new[] { raw.LongLength / storage.ElementSize }, storage.DType);
                tensor.bytes = raw;
                data[storage.Key] = tensor;
            }
            return ToStateDict(path, root, data, budget);
        }
        finally
        {
            foreach (var t in data.Values)
            {
                t.Dispose();
            }
        }
    }

    private static (object? Root, Dictionary<string, StorageRef> Storages, string Prefix) ReadZipPickle(string path, System.IO.Compression.ZipArchive zip)
    {
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            ?? throw new WeightsFormatException($"{path}: no data.pkl in the zip file.");
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        // The entry's declared size was held to the budget before; read exactly that much.
        using var buffered = new MemoryStream(StateDictFile.ReadEntry(path, pickle), writable: false);
        var root = new Unpickler(buffered, pid => PersistentLoad(pid, storages, path)).Load();
        return (root, storages, pickle.FullName[..^"data.pkl".Length]);
    }

    /// <summary>A tensor's view must lie inside its storage: sizes, strides and offset non-negative (PyTorch never saves
    /// negative strides), the last element it addresses inside the storage, and no more elements than the budget allows
    /// (a zero stride could otherwise make a one-element storage into a view of terabytes).</summary>
    private static void CheckView(string path, string name, TensorSpec spec, long storageElements, StateDictBudget budget)
    {
        if (spec.Size.Length != spec.Stride.Length || spec.Offset < 0 || spec.Size.Any(s => s < 0) || spec.Stride.Any(s => s < 0))
        {
            throw new WeightsFormatException($"{path}: tensor '{name}' has size ({string.Join(", ", spec.Size)}), stride ({string.Join(", ", spec.Stride)}) and offset {spec.Offset}: negative or mismatched, corrupt or hostile.");
        }
        if (spec.Size.Contains(0))
        {
            return;
        }
        try
        {
            long elements = spec.Size.Aggregate(1L, (a, b) => checked(a * b));
            long last = spec.Offset;
            for (int i = 0; i < spec.Size.Length; i++)
            {
                last = checked(last + (spec.Size[i] - 1) * spec.Stride[i]);
            }
            if (elements > budget.MaxTensorBytes / spec.Storage.ElementSize)
            {
                throw new WeightsFormatException($"{path}: tensor '{name}' has {elements:N0} elements, more than the budget of {budget.MaxTensorBytes:N0} bytes per tensor allows (see {nameof(StateDictBudget)}).");
            }
            if (last >= storageElements)
            {
                throw new WeightsFormatException($"{path}: tensor '{name}' addresses element {last:N0} of a storage of {storageElements:N0}: corrupt or hostile.");
            }
        }
        catch (OverflowException)
        {
            throw new WeightsFormatException($"{path}: tensor '{name}' has size ({string.Join(", ", spec.Size)}) and stride ({string.Join(", ", spec.Stride)}) that overflow: corrupt or hostile.");
        }
    }

    private static Dictionary<string, Tensor> ToStateDict(string path, object? root, Dictionary<string, Tensor> data, StateDictBudget budget)
    {
        if (root is not Dictionary<object, object?> dict)
        {
            throw new WeightsFormatException($"{path}: the file holds a {root?.GetType().Name ?? "None"}, not a state dict.");
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var others = new List<string>();
        try
        {
            foreach (var (key, value) in dict)
            {
                var name = key.ToString() ?? "";
                if (value is TensorSpec spec && data.TryGetValue(spec.Storage.Key, out var storage))
                {
                    CheckView(path, name, spec, storage.NumberOfElements, budget);
                    using var view = storage.as_strided(spec.Size, spec.Stride, spec.Offset);
                    result[name] = view.clone();
                }
                else if (value is NumpyArray array)
                {
                    result[name] = FromNumpy(path, name, array);
                }
                else
                {
                    others.Add($"{name} ({value?.GetType().Name ?? "None"})");
                }
            }
            if (others.Count > 0)
            {
                throw new WeightsFormatException($"{path}: values that are not tensors: {string.Join(", ", others)}. Save a state dict of tensors only.");
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
    }

    private static Tensor FromNumpy(string path, string key, NumpyArray array)
    {
        var (dtype, size) = array.DType?.Code switch
        {
            "f4" => (ScalarType.Float32, 4),
            "f8" => (ScalarType.Float64, 8),
            "f2" => (ScalarType.Float16, 2),
            "i8" => (ScalarType.Int64, 8),
            "i4" => (ScalarType.Int32, 4),
            "i2" => (ScalarType.Int16, 2),
            "i1" => (ScalarType.Int8, 1),
            "u1" => (ScalarType.Byte, 1),
            "b1" => (ScalarType.Bool, 1),
            var other => throw new WeightsFormatException($"{path}: NumPy array '{key}' has dtype '{other}', which is not supported."),
        };
        if (array.DType!.Order == ">" && size > 1)
        {
            throw new WeightsFormatException($"{path}: NumPy array '{key}' is big-endian, which is not supported.");
        }
        long count = array.Shape.Aggregate(1L, (a, b) => checked(a * b));
        if (array.Data.LongLength != count * size)
        {
            throw new WeightsFormatException($"{path}: NumPy array '{key}' holds {array.Data.LongLength} bytes, not {count * size}: truncated or corrupt.");
        }
        using var flat = empty(new[] { count }, dtype);
        flat.bytes = array.Data;
        if (!array.Fortran)
        {
            return flat.reshape(array.Shape).clone();
        }
        using var reversed = flat.reshape(array.Shape.Reverse().ToArray());
        using var permuted = reversed.permute(Enumerable.Range(0, array.Shape.Length).Reverse().Select(i => (long)i).ToArray());
        return permuted.contiguous();
    }

    private static StorageRef PersistentLoad(object? pid, Dictionary<string, StorageRef> storages, string path)
    {
        // ('storage', storage_type, root_key, location, size[, view_metadata])
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage" || t[1] is not PyGlobal type || t[2] is null)
        {
            throw new WeightsFormatException($"{path}: unsupported persistent id in a legacy PyTorch file.");
        }
        var key = t[2]!.ToString()!;
        if (t.Length > 5 && t[5] is not null)
        {
            throw new WeightsFormatException($"{path}: storage views (PyTorch before 1.0) are not supported; re-save the file with a newer PyTorch.");
        }
        if (!storages.TryGetValue(key, out var storage))
        {
            var (dtype, size) = type.Name switch
            {
                "FloatStorage" => (ScalarType.Float32, 4),
                "DoubleStorage" => (ScalarType.Float64, 8),
                "HalfStorage" => (ScalarType.Float16, 2),
                "BFloat16Storage" => (ScalarType.BFloat16, 2),
                "LongStorage" => (ScalarType.Int64, 8),
                "IntStorage" => (ScalarType.Int32, 4),
                "ShortStorage" => (ScalarType.Int16, 2),
                "CharStorage" => (ScalarType.Int8, 1),
                "ByteStorage" => (ScalarType.Byte, 1),
                "BoolStorage" => (ScalarType.Bool, 1),
                _ => throw new WeightsFormatException($"{path}: storage type {type.Module}.{type.Name} is not supported."),
            };
            if (t[4] is not long declared || declared < 0)
            {
                throw new WeightsFormatException($"{path}: storage '{key}' declares {t[4]} elements, which is not a valid size.");
            }
            storage = new StorageRef(key, dtype, size, declared);
            storages[key] = storage;
        }
        return storage;
    }

    private static WeightsFormatException Truncated(string path) =>
        new($"{path}: the file is truncated or corrupt (a storage is shorter than declared; an interrupted download?). Delete it and fetch it again.");

    private sealed record StorageRef(string Key, ScalarType DType, int ElementSize, long DeclaredElements);

    private sealed record TensorSpec(StorageRef Storage, long Offset, long[] Size, long[] Stride);

    private sealed record PyGlobal(string Module, string Name);

    /// <summary>A NumPy array being unpickled: made by <c>_reconstruct</c>, filled by BUILD.</summary>
    private sealed class NumpyArray
    {
        public long[] Shape { get; set; } = Array.Empty<long>();
        public NumpyDType? DType { get; set; }
        public bool Fortran { get; set; }
        public byte[] Data { get; set; } = Array.Empty<byte>();
    }

    /// <summary>A NumPy dtype: its code ('f4') and, after BUILD, its byte order.</summary>
    private sealed class NumpyDType(string code)
    {
        public string Code { get; } = code;
        public string Order { get; set; } = "<";
    }

    /// <summary>A pickle reader for the opcodes of protocols 0–4 that state dicts use; classes are never imported:
    /// only the few reconstructors of tensors and dicts are recognised.</summary>
    private sealed class Unpickler(Stream stream, Func<object?, object>? persistentLoad)
    {
        private static readonly object Mark = new();
        private readonly List<object?> _stack = new();
        private readonly Dictionary<long, object?> _memo = new();

        public object? Load()
        {
            while (true)
            {
                int op = stream.ReadByte();
                switch (op)
                {
                    case -1: throw new EndOfStreamException("The pickle ends before its STOP opcode.");
                    case 0x80: ReadBytes(1); break;                                   // PROTO
                    case 0x95: ReadBytes(8); break;                                   // FRAME
                    case (byte)'.': return Pop();                                    // STOP
                    case (byte)'(': _stack.Add(Mark); break;                         // MARK
                    case (byte)'N': _stack.Add(null); break;                         // NONE
                    case 0x88: _stack.Add(true); break;                              // NEWTRUE
                    case 0x89: _stack.Add(false); break;                             // NEWFALSE
                    case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                    case (byte)'K': _stack.Add((long)ReadBytes(1)[0]); break;        // BININT1
                    case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                    case 0x8a: _stack.Add(Long(ReadBytes(ReadBytes(1)[0]))); break;  // LONG1
                    case 0x8b: _stack.Add(Long(ReadBytes(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))))); break;
                    case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                    case (byte)'X': _stack.Add(Encoding.UTF8.GetString(ReadBytes(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))))); break;
                    case 0x8c: _stack.Add(Encoding.UTF8.GetString(ReadBytes(ReadBytes(1)[0]))); break; // SHORT_BINUNICODE
                    case (byte)'T': _stack.Add(Encoding.Latin1.GetString(ReadBytes(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))))); break;
                    case (byte)'U': _stack.Add(Encoding.Latin1.GetString(ReadBytes(ReadBytes(1)[0]))); break;
                    case (byte)'B': _stack.Add(ReadBytes(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))))); break;
                    case (byte)'C': _stack.Add(ReadBytes(ReadBytes(1)[0])); break;
                    case (byte)')': _stack.Add(Array.Empty<object?>()); break;       // EMPTY_TUPLE
                    case (byte)']': _stack.Add(new List<object?>()); break;          // EMPTY_LIST
                    case (byte)'}': _stack.Add(new Dictionary<object, object?>()); break;
                    case (byte)'t': _stack.Add(PopToMark().ToArray()); break;        // TUPLE
                    case (byte)'l': _stack.Add(PopToMark()); break;                  // LIST
                    case (byte)'d': _stack.Add(ToDict(PopToMark())); break;          // DICT
                    case 0x85: _stack.Add(new[] { Pop() }); break;                   // TUPLE1
                    case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; }
                    case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; }
                    case (byte)'a': { var item = Pop(); ((List<object?>)Peek()!).Add(item); break; }
                    case (byte)'e': { var items = PopToMark(); ((List<object?>)Peek()!).AddRange(items); break; }
                    case (byte)'s': { var value = Pop(); var key = Pop(); ((Dictionary<object, object?>)Peek()!)[key!] = value; break; }
                    case (byte)'u': { var items = PopToMark(); var dict = (Dictionary<object, object?>)Peek()!; for (int i = 0; i + 1 < items.Count; i += 2) { dict[items[i]!] = items[i + 1]; } break; }
                    case (byte)'q': _memo[ReadBytes(1)[0]] = Peek(); break;          // BINPUT
                    case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break;
                    case 0x94: _memo[_memo.Count] = Peek(); break;                   // MEMOIZE
                    case (byte)'h': _stack.Add(_memo[ReadBytes(1)[0]]); break;       // BINGET
                    case (byte)'j': _stack.Add(_memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))]); break;
                    case (byte)'c': _stack.Add(new PyGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                    case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; _stack.Add(new PyGlobal(module, name)); break; }
                    case (byte)'Q':                                                  // BINPERSID
                        _stack.Add((persistentLoad ?? throw new InvalidDataException("Unexpected persistent id."))(Pop()));
                        break;
                    case (byte)'R':                                                  // REDUCE
                    case 0x81:                                                       // NEWOBJ
                        { var args = (object?[])Pop()!; var callable = Pop(); _stack.Add(Call(callable, args)); break; }
                    case (byte)'b': Build(Pop(), Peek()); break;                     // BUILD
                    default: throw new InvalidDataException($"Unsupported pickle opcode 0x{op:x2} at byte {stream.Position - 1}.");
                }
            }
        }

        private static object Call(object? callable, object?[] args)
        {
            if (callable is not PyGlobal g)
            {
                throw new InvalidDataException("A pickle calls something that is not a global.");
            }
            switch ($"{g.Module}.{g.Name}")
            {
                case "collections.OrderedDict":
                    return new Dictionary<object, object?>();
                case "torch._utils._rebuild_tensor_v2":
                case "torch._utils._rebuild_tensor":
                    // (storage, storage_offset, size, stride, ...)
                    return new TensorSpec((StorageRef)args[0]!, (long)args[1]!, Longs(args[2]), Longs(args[3]));
                case "torch._utils._rebuild_parameter":
                    return args[0]!;
                case "_codecs.encode":
                    return Encoding.Latin1.GetBytes((string)args[0]!);
                case "__builtin__.bytes":
                case "builtins.bytes":
                    return args.Length == 0 ? Array.Empty<byte>() : (byte[])args[0]!;
                case "numpy.core.multiarray._reconstruct":
                case "numpy._core.multiarray._reconstruct":
                    return new NumpyArray();
                case "numpy.dtype":
                    return new NumpyDType((string)args[0]!);
                default:
                    throw new InvalidDataException($"The file holds an object of type {g.Module}.{g.Name}, which a state dict of tensors does not need.");
            }
        }

        /// <summary>Applies BUILD state: NumPy arrays and dtypes take theirs; other state (an OrderedDict's
        /// <c>_metadata</c>) is ignored.</summary>
        private static void Build(object? state, object? target)
        {
            switch (target)
            {
                case NumpyArray array when state is object?[] { Length: 5 } s:
                    array.Shape = Longs(s[1]);
                    array.DType = s[2] as NumpyDType;
                    array.Fortran = s[3] is true;
                    array.Data = s[4] switch
                    {
                        byte[] b => b,
                        string text => Encoding.Latin1.GetBytes(text),
                        _ => throw new InvalidDataException("A NumPy array pickled with Python objects is not supported."),
                    };
                    break;
                case NumpyDType dtype when state is object?[] { Length: >= 2 } s && s[1] is string order:
                    dtype.Order = order;
                    break;
            }
        }

        private static long[] Longs(object? tuple) => ((object?[])tuple!).Select(o => (long)o!).ToArray();

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Returns a boxed long or a BigInteger, as Python ints.")]
        private static object Long(byte[] bytes)
        {
            var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
            if (value >= long.MinValue && value <= long.MaxValue)
            {
                return (long)value;
            }
            return value;
        }

        private static Dictionary<object, object?> ToDict(List<object?> items)
        {
            var dict = new Dictionary<object, object?>();
            for (int i = 0; i + 1 < items.Count; i += 2)
            {
                dict[items[i]!] = items[i + 1];
            }
            return dict;
        }

        private byte[] ReadBytes(int count)
        {
            var buffer = new byte[count];
            stream.ReadExactly(buffer);
            return buffer;
        }

        private string ReadLine()
        {
            var bytes = new List<byte>();
            int b;
            while ((b = stream.ReadByte()) is not -1 and not '\n')
            {
                bytes.Add((byte)b);
            }
            return Encoding.ASCII.GetString(bytes.ToArray());
        }

        private object? Pop()
        {
            if (_stack.Count == 0)
            {
                throw new InvalidDataException("The pickle stack is empty.");
            }
            var top = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return top;
        }

        private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidDataException("The pickle stack is empty.");

        private List<object?> PopToMark()
        {
            int mark = _stack.LastIndexOf(Mark);
            if (mark < 0)
            {
                throw new InvalidDataException("The pickle has no MARK.");
            }
            var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
            _stack.RemoveRange(mark, _stack.Count - mark);
            return items;
        }
    }
}
