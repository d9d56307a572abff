using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

public class StateDictFileTests
{
    [Fact]
    public void A_pytorch_file_with_wrong_keys_lists_every_offending_key()
    {
        using var network = new VGGishNetwork();
        var error = Assert.Throws<VGGishWeightsMismatchException>(() => VGGishStateDict.Load(network, Fixtures.Path("partial_state_dict.pth")));
        Assert.Contains("missing: features.3.weight (128, 64, 3, 3)", error.Problems);
        Assert.Contains("missing: embeddings.4.bias (128)", error.Problems);
        Assert.Contains("shape: embeddings.4.weight is (128, 100), expected (128, 4096)", error.Problems);
        Assert.Contains("unexpected: extra.weight (2, 2)", error.Problems);
        Assert.DoesNotContain(error.Problems, p => p.Contains("features.0.", StringComparison.Ordinal));
        Assert.Contains("partial_state_dict.pth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_legacy_pytorch_format_written_by_pytorch()
    {
        using var scope = NewDisposeScope();
        var path = Fixtures.Path("legacy_state_dict.pth");
        Assert.Equal(StateDictFormat.PyTorchLegacy, StateDictFile.Inspect(path));
        var sd = StateDictFile.Load(path);
        Assert.Equal(new[] { "weight", "bias", "parameter", "base", "view", "transposed", "double", "long" }, sd.Keys);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["weight"], FormulaWeights.Formula(new long[] { 2, 3 }, 5, 1)));
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["bias"], FormulaWeights.Formula(new long[] { 2 }, 6, 1)));
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["parameter"], FormulaWeights.Formula(new long[] { 2 }, 6, 1)));
        var baseline = FormulaWeights.Formula(new long[] { 10 }, 4, 1);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["base"], baseline));
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["view"], baseline[2..6]));
        Assert.Equal(new long[] { 4, 3 }, sd["transposed"].shape);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["transposed"], FormulaWeights.Formula(new long[] { 3, 4 }, 7, 1).t()));
        Assert.Equal(ScalarType.Float64, sd["double"].dtype);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["double"], FormulaWeights.Formula(new long[] { 5 }, 8, 1)), 6);
        Assert.Equal(ScalarType.Int64, sd["long"].dtype);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, sd["long"].data<long>().ToArray());
    }

    [Fact]
    public void Numpy_arrays_in_a_zip_format_file_are_read_by_the_fallback_reader()
    {
        using var scope = NewDisposeScope();
        var path = Fixtures.Path("numpy_zip.pth");
        Assert.Equal(StateDictFormat.PyTorch, StateDictFile.Inspect(path));
        var sd = StateDictFile.Load(path);
        var expected = arange(6, dtype: ScalarType.Float64).reshape(2, 3);
        Assert.Equal(ScalarType.Float32, sd["a"].dtype);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["a"], expected));
        Assert.Equal(ScalarType.Float64, sd["b"].dtype);
        Assert.Equal(new long[] { 2, 3 }, sd["b"].shape);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["b"], expected)); // saved in Fortran order
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(sd["t"], FormulaWeights.Formula(new long[] { 2 }, 9, 1)));
    }

    [Theory]
    [InlineData(StateDictFormat.PyTorch)]
    [InlineData(StateDictFormat.Safetensors)]
    [InlineData(StateDictFormat.TorchSharp)]
    public void Round_trips_through_every_writable_format(StateDictFormat format)
    {
        using var scope = NewDisposeScope();
        var dir = Fixtures.TempDirectory();
        try
        {
            var path = Path.Combine(dir, "weights.bin");
            var original = new Dictionary<string, Tensor>
            {
                ["features.0.weight"] = FormulaWeights.Formula(new long[] { 64, 1, 3, 3 }, 0, 1),
                ["embeddings.4.bias"] = FormulaWeights.Formula(new long[] { 128 }, 1, 1),
            };
            StateDictFile.Save(path, original, format);
            Assert.Equal(format, StateDictFile.Inspect(path));
            var loaded = StateDictFile.Load(path);
            Assert.Equal(original.Keys.Order(), loaded.Keys.Order());
            foreach (var (name, tensor) in original)
            {
                Assert.Equal(tensor.shape, loaded[name].shape);
                Assert.Equal(0.0, Fixtures.MaxAbsDiff(tensor, loaded[name]));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("pca_params_formula.pth", 0.5)]
    [InlineData("pca_params_formula.pth", 0.999)]
    [InlineData("pca_params_formula.npz", 0.5)]
    [InlineData("legacy_state_dict.pth", 0.9)]
    [InlineData("pca_params_numpy_legacy.pth", 0.9)]
    public void A_truncated_file_is_a_format_error(string fixture, double keep)
    {
        var dir = Fixtures.TempDirectory();
        try
        {
            var bytes = File.ReadAllBytes(Fixtures.Path(fixture));
            var path = Path.Combine(dir, fixture);
            File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
            var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Truncated_safetensors_and_torchsharp_files_are_format_errors()
    {
        using var scope = NewDisposeScope();
        var dir = Fixtures.TempDirectory();
        try
        {
            var tensors = new Dictionary<string, Tensor> { ["w"] = FormulaWeights.Formula(new long[] { 1000 }, 0, 1) };
            foreach (var format in new[] { StateDictFormat.Safetensors, StateDictFormat.TorchSharp })
            {
                var path = Path.Combine(dir, $"{format}.bin");
                StateDictFile.Save(path, tensors, format);
                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
                Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(path));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Missing_and_empty_files_are_distinct_errors()
    {
        var dir = Fixtures.TempDirectory();
        try
        {
            Assert.Throws<FileNotFoundException>(() => StateDictFile.Load(Path.Combine(dir, "absent.pth")));
            var empty = Path.Combine(dir, "empty.pth");
            File.WriteAllBytes(empty, Array.Empty<byte>());
            var error = Assert.Throws<WeightsFormatException>(() => StateDictFile.Load(empty));
            Assert.Contains("empty", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
