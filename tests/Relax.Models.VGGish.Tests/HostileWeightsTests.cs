using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

/// <summary>
/// Weights files made by a stranger: every one below is generated here (none is committed), is refused with a
/// <see cref="VGGishWeightsException"/> that names the file and says why, before the gigabytes it claims are
/// allocated or inflated, and leaves no temporary file behind.
/// </summary>
public sealed class HostileWeightsTests : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "relax-hostile-" + Guid.NewGuid().ToString("N"));

    public HostileWeightsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private string File(string name) => System.IO.Path.Combine(_folder, name);

    private static byte[] NpyHeader(string descr, params long[] shape)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        int padding = (64 - (10 + dict.Length + 1) % 64) % 64;
        var header = dict + new string(' ', padding) + "\n";
        var bytes = new byte[10 + header.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header).CopyTo(bytes, 10);
        return bytes;
    }

    /// <summary>A zip whose one entry inflates to <paramref name="zeros"/> zero bytes after <paramref name="prefix"/>.</summary>
    private static void ZipBomb(string path, string entryName, byte[] prefix, long zeros)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var stream = zip.CreateEntry(entryName, CompressionLevel.SmallestSize).Open();
        stream.Write(prefix);
        var chunk = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= chunk.Length)
        {
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }
    }

    private static long TempFiles() => Directory.GetFiles(System.IO.Path.GetTempPath(), "relax-npz-*").Length;

    [Fact]
    public void An_npz_entry_that_inflates_beyond_the_budget_is_refused_before_it_is_inflated()
    {
        // 1.5 GiB of float32 zeros deflate to about 1.5 MB.
        var path = File("bomb.npz");
        ZipBomb(path, "pca_eigen_vectors.npy", NpyHeader("<f4", 3L << 28), 3L << 29);
        Assert.True(new FileInfo(path).Length < 4 << 20, $"{new FileInfo(path).Length} bytes");
        long before = TempFiles();
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("pca_eigen_vectors.npy", error.Message, StringComparison.Ordinal);
        // Refused by the per-tensor budget from the declared shape (1.5 GiB against 1 GiB), not later by another check.
        Assert.Contains("more than the 1,073,741,824 one tensor of this model may take", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, TempFiles());
    }

    [Fact]
    public void The_per_tensor_budget_holds_at_its_boundary_and_the_total_one_separately()
    {
        var budget = new StateDictBudget(MaxTensorBytes: 1000, MaxTotalBytes: 10_000);
        long total = 0;
        budget.Charge("w.pth", "tensor a", 1000, ref total);   // exactly the per-tensor limit: accepted
        Assert.Equal(1000, total);
        long other = 0;
        var tooLarge = Assert.Throws<WeightsFormatException>(() => budget.Charge("w.pth", "tensor b", 1001, ref other));
        Assert.Contains("tensor b declares 1,001 bytes, more than the 1,000 one tensor", tooLarge.Message, StringComparison.Ordinal);
        Assert.Equal(0, other);

        // Nine more tensors at the limit fill the total exactly; one byte more is refused by the total, naming it.
        for (int i = 0; i < 9; i++)
        {
            budget.Charge("w.pth", $"tensor {i}", 1000, ref total);
        }
        Assert.Equal(10_000, total);
        var overTotal = Assert.Throws<WeightsFormatException>(() => budget.Charge("w.pth", "tensor z", 1, ref total));
        Assert.Contains("more than the 10,000 bytes this model's weights may take in all", overTotal.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateDictBudget(MaxTensorBytes: 1000, MaxTotalBytes: 999));
    }

    [Fact]
    public void A_pth_whose_storages_exceed_what_vggish_needs_is_refused_before_they_are_read()
    {
        // A PyTorch zip layout with a small pickle and one storage entry of 600 MB (deflated to under 1 MB): more than
        // VGGish's largest tensor (12288 × 4096 in float64 = 384 MiB).
        var path = File("storages.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var pickle = zip.CreateEntry("archive/data.pkl").Open())
            {
                pickle.Write(new byte[] { 0x80, 0x02, (byte)'}', (byte)'.' });   // protocol 2, empty dict, stop
            }
            using var storage = zip.CreateEntry("archive/data/0", CompressionLevel.Fastest).Open();
            var chunk = new byte[1 << 20];
            for (int i = 0; i < 600; i++)
            {
                storage.Write(chunk);
            }
        }
        var network = new VGGishNetwork();
        var error = Assert.Throws<WeightsFormatException>(() => VGGishStateDict.Load(network, path));
        Assert.Contains("archive/data/0", error.Message, StringComparison.Ordinal);
        Assert.Contains("StateDictBudget", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tiny_torchsharp_file_declaring_two_billion_elements_is_refused_without_allocating()
    {
        // count = 1, name "w", dtype float32 (6), rank 2, dimensions 2^31 and 2^31: 25 bytes.
        var path = File("huge.dat");
        using (var writer = new BinaryWriter(System.IO.File.Create(path)))
        {
            writer.Write((byte)1);
            writer.Write("w");
            writer.Write((byte)ScalarType.Float32);
            writer.Write((byte)2);
            foreach (var _ in new[] { 0, 1 })
            {
                writer.Write(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x08 });   // LEB128 of 2^31
            }
        }
        Assert.True(new FileInfo(path).Length < 32);
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-8, 0)]      // negative begin: would read the header bytes as data
    [InlineData(0, -4)]      // end before begin
    [InlineData(0, 8)]       // end − begin does not match the shape
    [InlineData(4, 20)]      // 4 bytes past the 16 data bytes
    [InlineData(1, 17)]      // 1 byte past them
    [InlineData(0, 1 << 20)] // far past the end of the file
    public void Safetensors_with_offsets_that_do_not_fit_are_refused(long begin, long end)
    {
        var path = WriteSafetensors("bad.safetensors", begin, end);
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.StartsWith($"{path}: safetensors entry 'w' has data_offsets [{begin}, {end}]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safetensors_whose_entry_ends_exactly_at_the_end_of_the_data_load()
    {
        var tensors = StateDictFile.Load(WriteSafetensors("exact.safetensors", 0, 16));
        Assert.Equal(new long[] { 4 }, Assert.Single(tensors).Value.shape);
    }

    [Fact]
    public void A_safetensors_header_past_the_ceiling_is_refused_before_it_is_read()
    {
        // A sparse file large enough to hold the header it declares: refused by the ceiling, not by the file's size
        // (nor after reading 100 MB of JSON).
        var path = File("huge-header.safetensors");
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            var prefix = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, StateDictFile.MaxSafetensorsHeaderBytes + 1);
            stream.Write(prefix);
            stream.Write("{\"w\":"u8); // what a safetensors header starts with
            stream.SetLength(8 + (long)StateDictFile.MaxSafetensorsHeaderBytes + 64);
        }
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.Equal($"{path}: its safetensors header declares 100,000,001 bytes, more than the 100,000,000 accepted.", error.Message);
    }

    private string WriteSafetensors(string name, long begin, long end)
    {
        var path = File(name);
        var header = Encoding.UTF8.GetBytes($"{{\"w\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{begin},{end}]}}}}");
        var bytes = new byte[8 + header.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Devices_directories_and_empty_files_are_not_weights_files()
    {
        Assert.Contains("not a regular file", Assert.Throws<WeightsFormatException>(() => StateDictFile.Load("/dev/zero")).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(_folder)).Message, StringComparison.Ordinal);
        System.IO.File.WriteAllBytes(File("empty.pth"), []);
        Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(File("empty.pth")));
    }

    [Theory]
    [InlineData(ScalarType.Int8)]
    [InlineData(ScalarType.Bool)]
    [InlineData(ScalarType.Int64)]
    public void Integer_and_boolean_state_dicts_are_refused_with_the_key_named(ScalarType dtype)
    {
        var network = new VGGishNetwork(VGGishArchitecture.Compact, finalRelu: true);
        var tensors = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(dtype));
        var error = Assert.Throws<VGGishWeightsMismatchException>(() => VGGishStateDict.Apply(network, tensors, "int.pth"));
        Assert.Contains("dtype: features.0.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_with_a_nan_are_refused_at_load()
    {
        var network = new VGGishNetwork(VGGishArchitecture.Compact, finalRelu: true);
        var tensors = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        tensors["embeddings.0.bias"][3] = float.NaN;
        var error = Assert.Throws<VGGishWeightsMismatchException>(() => VGGishStateDict.Apply(network, tensors, "nan.pth"));
        Assert.Contains("values: embeddings.0.bias holds 1 NaN or infinite value(s)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A PyTorch zip file with one float32 tensor 'w', written opcode by opcode as <c>torch.save</c> writes it
    /// (protocol 2): the pickle declares <paramref name="declared"/> storage elements and the view, the storage entry
    /// holds <paramref name="stored"/> floats 0, 1, 2, ….</summary>
    private static void PthWithView(string path, long declared, int stored, long offset, long[] size, long[] stride)
    {
        var pickle = new MemoryStream();
        void Op(params byte[] bytes) => pickle.Write(bytes);
        void Text(string text) { Op((byte)'X'); var b = Encoding.UTF8.GetBytes(text); Op(BitConverter.GetBytes(b.Length)); Op(b); }
        void Global(string module, string name) { Op((byte)'c'); Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }
        void Long(long value) { Op(0x8a, 8); Op(BitConverter.GetBytes(value)); }
        void Tuple(long[] values) { Op((byte)'('); foreach (var v in values) { Long(v); } Op((byte)'t'); }
        Op(0x80, 2, (byte)'}', (byte)'(');
        Text("w");
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(', (byte)'(');
        Text("storage"); Global("torch", "FloatStorage"); Text("0"); Text("cpu"); Long(declared);
        Op((byte)'t', (byte)'Q');
        Long(offset);
        Tuple(size);
        Tuple(stride);
        Op(0x89);
        Global("collections", "OrderedDict");
        Op((byte)')', (byte)'R', (byte)'t', (byte)'R', (byte)'u', (byte)'.');

        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("archive/data.pkl").Open())
        {
            entry.Write(pickle.ToArray());
        }
        using var data = zip.CreateEntry("archive/data/0").Open();
        for (int i = 0; i < stored; i++)
        {
            data.Write(BitConverter.GetBytes((float)i));
        }
    }

    [Fact]
    public void A_handwritten_pth_with_a_valid_view_loads_with_its_values()
    {
        // The control for the three tests below: the same writer with a consistent pickle gives the expected tensor
        // (a transposed 2 × 3 view of six floats), so they fail for what they change and nothing else.
        var path = File("valid.pth");
        PthWithView(path, declared: 6, stored: 6, offset: 0, size: [3, 2], stride: [1, 3]);
        var tensors = StateDictFile.Load(path);
        using var w = tensors["w"];
        Assert.Equal(new long[] { 3, 2 }, w.shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, w.contiguous().data<float>().ToArray());
    }

    [Fact]
    public void A_pth_whose_pickle_declares_a_storage_larger_than_its_entry_is_refused_before_allocating()
    {
        // 16 bytes stored, 2^36 floats (256 GiB) declared: a reader that allocates what the pickle declares dies.
        var path = File("declared.pth");
        PthWithView(path, declared: 1L << 36, stored: 4, offset: 0, size: [4], stride: [1]);
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("storage '0' declares 68,719,476,736 elements", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, new long[] { 4 }, new long[] { -1 }, "negative")]          // a negative stride
    [InlineData(-2, new long[] { 2 }, new long[] { 1 }, "negative")]          // a negative offset
    [InlineData(100, new long[] { 2 }, new long[] { 1 }, "addresses element 101 of a storage of 4")]
    [InlineData(0, new long[] { 2, 3 }, new long[] { 3, 1 }, "addresses element 5 of a storage of 4")]
    [InlineData(0, new long[] { 1L << 20, 1L << 20 }, new long[] { 0, 0 }, "more than the budget")]   // 4 TiB of one float
    [InlineData(0, new long[] { 1L << 62, 4 }, new long[] { 1, 1L << 62 }, "overflow")]
    public void A_pth_whose_view_does_not_lie_inside_its_storage_is_refused(long offset, long[] size, long[] stride, string why)
    {
        var path = File("view.pth");
        PthWithView(path, declared: 4, stored: 4, offset, size, stride);
        var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'w'", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
