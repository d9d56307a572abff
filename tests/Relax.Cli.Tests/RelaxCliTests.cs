using System.Buffers.Binary;
using System.Text;
using Relax.IO;
using Relax.Models.VGGish;
using Relax.Models.VGGish.Tests;
using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Cli.Tests;

/// <summary>Formula weights written once (about 290 MB, TorchSharp format) and example inputs, in a temporary folder.</summary>
public sealed class CliFilesFixture : IDisposable
{
    public CliFilesFixture()
    {
        Directory.CreateDirectory(Folder);
        using var network = FormulaWeights.Network();
        StateDictFile.Save(Weights, network.state_dict(), StateDictFormat.TorchSharp);
        using var inputs = FormulaWeights.Inputs(3);
        NpyFile.Write(Examples, inputs.data<float>().ToArray(), new long[] { 3, 96, 64 });
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "relax-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string Weights => Path.Combine(Folder, "formula-weights.dat");

    public string Examples => Path.Combine(Folder, "examples.npy");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class RelaxCliTests : IClassFixture<CliFilesFixture>
{
    private readonly CliFilesFixture _files;

    public RelaxCliTests(CliFilesFixture files) => _files = files;

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RelaxCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Out(string name) => Path.Combine(_files.Folder, Guid.NewGuid().ToString("N"), name);

    private static Tensor ReadNpy(string path)
    {
        var (data, shape) = NpyFile.Read(path);
        return tensor(data, shape);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("embed", "--help")]
    [InlineData("features", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var (code, output, _) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain")]
    [InlineData("evaluate")]
    [InlineData("worker")]
    [InlineData("embed")]
    public void Help_lists_the_accepted_dtypes_and_devices_in_lower_case(string command)
    {
        var (code, output, _) = Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--dtype <float32|bfloat16|float16|auto>", output, StringComparison.Ordinal);
        Assert.Contains("<cpu|cuda|cuda:N|auto>", output, StringComparison.Ordinal);
        // Not every TorchSharp scalar type, and no default spelled as an enum member.
        foreach (var refused in new[] { "ComplexFloat32", "QUInt8", "Int64", "BFloat16", "Float32]" })
        {
            Assert.DoesNotContain(refused, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Weights_replaced_at_the_same_path_are_another_model_so_a_rerun_reuses_nothing_of_them()
    {
        // The model's identity (in the corpus fingerprint and the cluster's spec) is the weights' SHA-256, not their path.
        var root = Out("swap");
        Directory.CreateDirectory(Path.Combine(root, "corpus", "bird"));
        File.Copy(CliHarness.Clip, Path.Combine(root, "corpus", "bird", "clip.wav"));
        var weights = Path.Combine(root, "weights.dat");
        File.Copy(_files.Weights, weights);
        string[] explain = ["explain", Path.Combine(root, "corpus"), "--weights", weights, "--count", "4", "--batch", "4", "--masks", "time", "--examples-per-file", "1", "--no-figures", "-o", Path.Combine(root, "out")];

        var (code, first, error) = Run(explain);
        Assert.True(code == 0, error);
        Assert.Contains(ModelIdentityOf(weights), first, StringComparison.Ordinal);
        (code, var again, error) = Run(explain);
        Assert.True(code == 0, error);
        Assert.Contains("0 example × mask kind(s) explained, 1 reused", again, StringComparison.Ordinal);

        // The same tensors but for one float of the last one: another model at the same path.
        using (var file = new FileStream(weights, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length - 1;
            int last = file.ReadByte();
            file.Position = file.Length - 1;
            file.WriteByte((byte)(last ^ 0x01));
        }
        // The folder holds another model's results: refused, naming both, and nothing reused.
        (code, var swapped, error) = Run(explain);
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("holds results computed with other settings (model was", error, StringComparison.Ordinal);
        Assert.Contains($"now {ModelIdentityOf(weights)}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("reused", swapped, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string ModelIdentityOf(string weights) => VGGishModelProvider.IdentityOf(VGGishWeightsResolver.Sha256Of(weights));

    [Fact]
    public void Embed_writes_float32_embeddings_equal_to_pytorch()
    {
        using var scope = NewDisposeScope();
        var target = Out("e.npy");
        var (code, _, error) = Run("embed", _files.Examples, "--weights", _files.Weights, "-o", target, "--batch-size", "2");
        Assert.True(code == 0, error);
        var embeddings = ReadNpy(target);
        Assert.Equal(new long[] { 3, 128 }, embeddings.shape);
        Assert.True(Fixtures.MaxAbsDiff(embeddings, Fixtures.Npy("parity_embeddings_relu.npy")) <= 1e-4);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)!)); // written atomically, no temporary left
    }

    [Fact]
    public void Non_finite_or_overflowing_examples_are_refused_by_embed_and_nothing_is_written()
    {
        var values = new float[2 * 96 * 64];
        values[96 * 64 + 5] = float.NaN;
        var nan = Out("nan.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(nan)!);
        NpyFile.Write(nan, values, [2, 96, 64]);
        var target = Out("e.npy");
        var (code, _, error) = Run("embed", nan, "--weights", _files.Weights, "-o", target);
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("nan.npy: example 1 holds NaN (value 6149); expected finite log-mel values.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));

        // Finite, but far out of a log-mel example's range: the network overflows, and embed refuses to write NaN.
        Array.Fill(values, 3e38f);
        var huge = Out("huge.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(huge)!);
        NpyFile.Write(huge, values, [2, 96, 64]);
        (code, _, error) = Run("embed", huge, "--weights", _files.Weights, "-o", target);
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("is not finite (NaN or infinite): its input values are out of the range of log-mel examples; nothing was written.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Embed_without_the_final_relu_and_with_pca()
    {
        using var scope = NewDisposeScope();
        var raw = Out("raw.npy");
        Assert.Equal(0, Run("embed", _files.Examples, "-w", _files.Weights, "-o", raw, "--no-final-relu").Code);
        Assert.True(Fixtures.MaxAbsDiff(ReadNpy(raw), Fixtures.Npy("parity_embeddings_norelu.npy")) <= 1e-4);

        var quantised = Out("pca.npy");
        var (code, _, error) = Run("embed", _files.Examples, "-w", _files.Weights, "--pca", Fixtures.Path("pca_params_formula.pth"), "-o", quantised, "--no-final-relu");
        Assert.True(code == 0, error);
        var q = ReadNpy(quantised);
        Assert.True(Fixtures.MaxAbsDiff(q, Fixtures.Npy("parity_postprocessed.npy")) <= 1.0);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(q, q.round()));
    }

    [Fact]
    public void Embed_reads_float64_examples_of_one_patch_as_numpy_writes_them()
    {
        using var scope = NewDisposeScope();
        var input = Out("one.npy");
        using var x = FormulaWeights.Inputs(1);
        WriteFloat64Npy(input, x.data<float>().ToArray(), 96, 64);
        var target = Out("e.npy");
        var (code, _, error) = Run("embed", input, "-w", _files.Weights, "-o", target);
        Assert.True(code == 0, error);
        var expected = Fixtures.Npy("parity_embeddings_relu.npy")[0..1];
        Assert.True(Fixtures.MaxAbsDiff(ReadNpy(target), expected) <= 1e-4);
    }

    [Fact]
    public void Features_converts_an_npy_of_examples_to_float32()
    {
        using var scope = NewDisposeScope();
        var target = Out("x.npy");
        Assert.Equal(0, Run("features", _files.Examples, "-o", target).Code);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(ReadNpy(target), ReadNpy(_files.Examples)));
    }

    [Fact]
    public void Features_of_a_wav_match_the_python_vggish_front_end()
    {
        // A 44.1 kHz stereo fixture and its log-mel from the Python reference (tests/Relax.Audio.Tests/Fixtures).
        var wav = Path.Combine(AppContext.BaseDirectory, "AudioFixtures", "s16_44100_stereo.wav");
        var target = Out("wav-features.npy");
        var (code, _, error) = Run("features", wav, "-o", target);
        Assert.True(code == 0, error);
        var (expected, shape) = Relax.IO.NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "AudioFixtures", "s16_44100_stereo.logmel.npy"));
        var (actual, actualShape) = Relax.IO.NpyFile.Read(target);
        Assert.Equal(shape, actualShape);
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 0.1);
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Average() <= 0.01);

        var embeddings = Out("wav-embeddings.npy");
        (code, _, error) = Run("embed", wav, "-w", _files.Weights, "-o", embeddings);
        Assert.True(code == 0, error);
        Assert.Equal(new long[] { shape[0], 128 }, Relax.IO.NpyFile.Read(embeddings).Shape);
    }

    [Fact]
    public void A_broken_wav_is_one_clear_line_naming_the_file()
    {
        var wav = Out("a.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(wav)!);
        File.WriteAllBytes(wav, new byte[44]);
        foreach (var args in new[] { new[] { "features", wav, "-o", Out("x.npy") }, new[] { "embed", wav, "-w", _files.Weights, "-o", Out("e.npy") } })
        {
            var (code, _, error) = Run(args);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains(wav, error, StringComparison.Ordinal);
            Assert.Contains("RIFF", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.False(File.Exists(Out("x.npy")));
        }
    }

    [Fact]
    public void Missing_weights_are_one_clear_line_and_verbose_adds_the_stack_trace()
    {
        var missing = Path.Combine(_files.Folder, "absent-weights.pth");
        var (code, _, error) = Run("embed", _files.Examples, "-w", missing, "-o", Out("e.npy"));
        Assert.Equal(RelaxCli.Failure, code);
        Assert.StartsWith("relax: error: ", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        var verbose = Run("embed", _files.Examples, "-w", missing, "-o", Out("e.npy"), "--verbose");
        Assert.Equal(RelaxCli.Failure, verbose.Code);
        Assert.Contains("   at ", verbose.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_with_official_weights_has_no_head_so_similarity_curves_only_and_no_rise()
    {
        var folder = Path.Combine(_files.Folder, Guid.NewGuid().ToString("N"));
        var (code, output, error) = Run("evaluate", "--synthetic", "1", "-w", _files.Weights, "--explainers", "occlusion", "--window", "96x64", "--stride", "96x64",
            "--step", "0.5", "--replace", "mean", "--no-figures", "-o", folder);
        Assert.True(code == 0, error);
        Assert.Contains("No classifier head: similarity curves only", output, StringComparison.Ordinal);
        var perClass = File.ReadAllLines(Path.Combine(folder, "per-class.csv"));
        var all = perClass.Single(l => l.StartsWith("unlabelled,3,occlusion,mean,", StringComparison.Ordinal)).Split(',');
        Assert.NotEqual("", all[4]);                    // similarity AUC
        Assert.Equal("", all[8]);                       // no probability AUC
        Assert.Single(File.ReadAllLines(Path.Combine(folder, "accuracy.csv")));   // header only

        (code, _, error) = Run("evaluate", "--synthetic", "1", "-w", _files.Weights, "--explainers", "rise", "-o", folder + "-rise");
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("no classifier head", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_weights_list_the_offending_keys()
    {
        var (code, _, error) = Run("embed", _files.Examples, "-w", Fixtures.Path("partial_state_dict.pth"), "-o", Out("e.npy"));
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("missing: features.3.weight", error, StringComparison.Ordinal);
        Assert.Contains("unexpected: extra.weight", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dtype", "int8", "--dtype: Unknown dtype 'int8'; use float32, bfloat16, float16 or auto.")]
    [InlineData("--device", "tpu", "--device: Unknown device 'tpu'; use cpu, cuda, cuda:N or auto.")]
    [InlineData("--batch-size", "0", "--batch-size 0: the batch size must be between 1 and 1048576 (a whole number).")]
    public void Bad_option_values_are_usage_errors_with_a_message(string option, string value, string message)
    {
        var (code, _, error) = Run("embed", _files.Examples, "-w", _files.Weights, "-o", Out("e.npy"), option, value);
        Assert.Equal(RelaxCli.UsageError, code);
        Assert.Equal($"relax: {message}", error.Split('\n')[0].TrimEnd());
        Assert.False(File.Exists(Out("e.npy")));
    }

    [Fact]
    public void Inputs_of_the_wrong_shape_or_kind_are_rejected()
    {
        var (code, _, error) = Run("embed", Fixtures.Path("parity_embeddings_relu.npy"), "-w", _files.Weights, "-o", Out("e.npy"));
        Assert.Equal(RelaxCli.Failure, code);
        Assert.Contains("expected examples of shape (n, 96, 64); found (3, 128)", error, StringComparison.Ordinal);

        var other = Run("embed", Fixtures.Path("pca_params_formula.npz"), "-w", _files.Weights, "-o", Out("e.npy"));
        Assert.Equal(RelaxCli.Failure, other.Code);
        Assert.Contains("unsupported input", other.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_option_is_a_usage_error()
    {
        var (code, _, error) = Run("embed", _files.Examples);
        Assert.Equal(1, code);
        Assert.Contains("--output", error, StringComparison.Ordinal);
    }

    private static void WriteFloat64Npy(string path, float[] values, params long[] shape)
    {
        var dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        int padding = (64 - (10 + dict.Length + 1) % 64) % 64;
        var header = dict + new string(' ', padding) + "\n";
        using var stream = new MemoryStream();
        stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
        var number = new byte[8];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(number, v);
            stream.Write(number);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, stream.ToArray());
    }
}
