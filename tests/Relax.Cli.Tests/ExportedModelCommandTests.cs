using Relax.IO;

namespace Relax.Cli.Tests;

/// <summary><c>--model FILE.onnx|FILE.pt</c> with its card: the reference models of tools/reference/models
/// (written by tools/reference/exported_models.py) explained and evaluated by the command, and what is refused.</summary>
public sealed class ExportedModelCommandTests
{
    private static string Model(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tools", "reference", "models", file);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException($"tools/reference/models/{file} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_same_model_as_onnx_and_as_torchscript_gives_the_same_relax_maps_with_the_same_masks()
    {
        CliHarness.InTempFolder("exported", root =>
        {
            string[] settings = ["explain", CliHarness.Clip, "--masks", "time-frequency", "-n", "256", "--example", "1", "--no-figures"];
            var (code, output, error) = CliHarness.Run([.. settings, "--model", Model("logmel-cnn.onnx"), "-o", Path.Combine(root, "onnx")]);
            Assert.True(code == 0, error);
            Assert.Matches("Model: ONNX model logmel-cnn \\(file SHA-256 [0-9a-f]{64}, card [0-9a-f]{16}\\)", output);
            (code, output, error) = CliHarness.Run([.. settings, "--model", Model("logmel-cnn.pt"), "-o", Path.Combine(root, "torchscript")]);
            Assert.True(code == 0, error);
            Assert.Contains("Model: TorchScript model logmel-cnn", output, StringComparison.Ordinal);

            var map = Path.Combine("synthetic-bird", "example-001", "time-frequency", "saliency.npy");
            var (onnx, _) = NpyFile.Read(Path.Combine(root, "onnx", map));
            var (torchscript, _) = NpyFile.Read(Path.Combine(root, "torchscript", map));
            Assert.True(Correlation(onnx, torchscript) >= 0.9999);
            Assert.Contains("ONNX model logmel-cnn", File.ReadAllText(Path.Combine(root, "onnx", "corpus.json")), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_shipped_default_model_exported_as_onnx_and_as_torchscript_gives_the_native_models_relax_maps()
    {
        CliHarness.InTempFolder("exported-default", root =>
        {
            string[] settings = ["explain", CliHarness.Clip, "--masks", "time-frequency", "-n", "256", "--example", "0", "--no-figures"];
            foreach (var (name, model) in new[] { ("native", "default"), ("onnx", Model("default-model.onnx")), ("torchscript", Model("default-model.pt")) })
            {
                var (code, _, error) = CliHarness.Run([.. settings, "--model", model, "-o", Path.Combine(root, name)]);
                Assert.True(code == 0, error);
            }
            var map = Path.Combine("synthetic-bird", "example-000", "time-frequency", "saliency.npy");
            var (native, _) = NpyFile.Read(Path.Combine(root, "native", map));
            foreach (var exported in new[] { "onnx", "torchscript" })
            {
                var (maps, _) = NpyFile.Read(Path.Combine(root, exported, map));
                double r = Correlation(native, maps);
                Assert.True(r >= 0.9999, $"{exported}: r = {r}");
            }
        });
    }

    [Fact]
    public void Evaluate_runs_what_an_onnx_model_allows_and_refuses_gradients_in_one_line()
    {
        CliHarness.InTempFolder("exported-evaluate", root =>
        {
            var onnx = Model("logmel-tf.onnx");
            var (code, output, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", onnx, "-n", "32", "--examples-per-file", "1", "--no-figures", "--no-audio", "-o", root);
            Assert.True(code == 0, error);
            Assert.Contains("explainers relax, u-relax, occlusion; ", output, StringComparison.Ordinal); // no head: no rise; no autograd, no layers: no gradient, IG, LRP

            (code, _, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", onnx, "--explainers", "relax,integrated-gradients", "-o", Path.Combine(root, "ig"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("integrated-gradients needs the gradient of the embedding with respect to the input, and this model runs outside autograd (an ONNX model); leave integrated-gradients out, or export the model as TorchScript.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // TorchScript is differentiable: the same network gets gradient explanations.
            (code, _, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", Model("logmel-tf.pt"), "--explainers", "gradient", "--examples-per-file", "1", "--no-figures", "--no-audio", "-o", Path.Combine(root, "gradient"));
            Assert.True(code == 0, error);
        });
    }

    [Fact]
    public void A_model_file_the_catalog_cannot_load_weights_beside_it_and_a_card_without_a_model_are_one_line_each()
    {
        CliHarness.InTempFolder("exported-refused", root =>
        {
            var (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", "model.tflite", "-o", root);
            Assert.Equal(RelaxCli.UsageError, code);
            Assert.Contains("--model model.tflite: not a model file this catalog loads; use .pt (torchscript), .ts (torchscript), .torchscript (torchscript), .onnx (onnx), or one of: vggish, default, torchscript, onnx.", error, StringComparison.Ordinal);

            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("logmel-cnn.onnx"), "--weights", "x.pth", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--weights x.pth: an exported model (" + Model("logmel-cnn.onnx") + ") holds its own weights; leave --weights out.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model-card", "vggish", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--model-card vggish: a card describes an exported model's file; give the file with --model FILE.onnx or FILE.pt.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // A worker without the model file refuses before it joins, in one line (a worker with another file or card
            // has another identity, which the cluster refuses as it does any other model).
            var missing = Path.Combine(root, "elsewhere", "model.onnx");
            (code, _, error) = CliHarness.Run("worker", "--cluster", "127.0.0.1:9", "--model", missing, "--model-card", "vggish");
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains($"{missing}: no such file; expected an ONNX model (.onnx).", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // A waveform model loads, and the commands (whose examples and figures are log-mel's) refuse it in one line.
            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("wave-encoder.onnx"), "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("wave-encoder (file SHA-256 ", error, StringComparison.Ordinal);
            Assert.Contains("a waveform model; the relax command explains log-mel models in this build. Explain a waveform model from C# with WaveformRelax (docs/models.md).", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // The vggish preset does not fit this model (it takes (N, F, T)): refused at load, naming both shapes.
            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("logmel-tf.onnx"), "--model-card", "vggish", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("the graph's input 'spectrogram' is Float (?, 64, 96); the card's input.layout N,1,T,F asks for float (N, 1, 96, 64).", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
