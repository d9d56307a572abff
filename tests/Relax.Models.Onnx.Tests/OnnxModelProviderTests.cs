using Relax.Models.Tests;
using Xunit.Abstractions;

namespace Relax.Models.Onnx.Tests;

public class OnnxModelProviderTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("logmel-cnn")] // (N, 1, T, F) in; the output named "frames" of two, (N, T, D), mean over T
    [InlineData("logmel-tf")]  // (N, F, T) in; one output (N, T, D), token 0
    [InlineData("default-model")] // the shipped default model's embedding network, (N, D) out
    public void Embeddings_equal_pytorchs_within_1e_5_relative(string name)
    {
        using var model = new OnnxModelProvider().Load(new ModelRequest { Model = "onnx", Weights = ReferenceModels.File(name, ".onnx"), BatchSize = 2 });
        double error = ReferenceModels.ErrorAgainstPyTorch(model, name); // 5 examples in batches of 2, 2, 1
        log.WriteLine($"{name}: largest relative error of an embedding against PyTorch's: {error:E2}");
        Assert.True(error < 1e-5, $"{name}: {error}");
        Assert.False(model.IsDifferentiable); // ONNX Runtime runs outside autograd
        Assert.Matches($"^ONNX model {name} \\(file SHA-256 [0-9a-f]{{64}}, card [0-9a-f]{{16}}\\)$", model.Identity);
    }

    [Fact]
    public void A_waveform_encoders_embeddings_equal_pytorchs_within_1e_5_relative()
    {
        // (N, S) in, (N, T, D) out averaged over T.
        using var model = new OnnxModelProvider().Load(new ModelRequest { Weights = ReferenceModels.File("wave-encoder", ".onnx"), BatchSize = 2 });
        Assert.IsType<WaveformInput>(model.Input);
        double error = ReferenceModels.ErrorAgainstPyTorch(model, "wave-encoder");
        log.WriteLine($"wave-encoder: largest relative error of an embedding against PyTorch's: {error:E2}");
        Assert.True(error < 1e-5, $"wave-encoder: {error}");
    }

    [Fact]
    public void A_card_that_does_not_fit_the_model_is_refused_at_load_in_one_line()
    {
        var folder = Directory.CreateTempSubdirectory("relax-ts-").FullName;
        try
        {
            var card = Path.Combine(folder, "card.json");
            var pt = ReferenceModels.File("logmel-cnn", ".onnx");
            var text = File.ReadAllText(ReferenceModels.File("logmel-cnn", ".json"));

            File.WriteAllText(card, text.Replace("\"frames\"", "\"frame\"", StringComparison.Ordinal));
            Assert.Equal($"{pt}: the graph has no output 'frame' (the card's output.name); its outputs are summary, frames.", Load(pt, card));

            File.WriteAllText(card, text.Replace("\"name\": \"frames\",", "", StringComparison.Ordinal).Replace("\"index\": 1", "\"index\": 2", StringComparison.Ordinal));
            Assert.Equal($"{pt}: the graph has 2 outputs (summary, frames); the card's output.index is 2.", Load(pt, card));

            File.WriteAllText(card, text.Replace("\"reduce\": \"mean\"", "\"reduce\": \"none\"", StringComparison.Ordinal));
            Assert.Equal($"{pt}: output 'frames' is (1, 24, 16), (N, T, D); set the card's output.reduce to \"mean\" or \"token:K\" to make one vector per example.", Load(pt, card));

            File.WriteAllText(card, text.Replace("\"N,1,T,F\"", "\"N,F,T\"", StringComparison.Ordinal));
            Assert.Equal($"{pt}: the graph's input 'logmel' is Float (?, 1, 96, 64); the card's input.layout N,F,T asks for float (N, 64, 96).", Load(pt, card));

            var garbage = Path.Combine(folder, "garbage.onnx");
            File.WriteAllText(garbage, "not a zip archive");
            Assert.StartsWith($"{garbage}: not an ONNX model ONNX Runtime can open", Load(garbage, "vggish"), StringComparison.Ordinal);

            Assert.StartsWith($"{Path.Combine(folder, "missing.onnx")}: no such file; expected an ONNX model", Load(Path.Combine(folder, "missing.onnx"), "vggish"), StringComparison.Ordinal);

            // --device cuda with the CPU-only ONNX Runtime package (as this project references it): one line, what to do.
            var cuda = Load(ReferenceModels.File("logmel-cnn", ".onnx"), ReferenceModels.File("logmel-cnn", ".json"), new TorchSharp.torch.Device(TorchSharp.DeviceType.CUDA, 0));
            Assert.Contains("ONNX Runtime's CUDA execution provider is not available here", cuda, StringComparison.Ordinal);
            Assert.Contains("reference Microsoft.ML.OnnxRuntime.Gpu in the application, or run on the CPU.", cuda, StringComparison.Ordinal);

            // Graphs of tools/reference/onnx_refusals.py: a batch axis exported fixed, and an integer output chosen.
            var fixedBatch = ReferenceModels.File("refused-fixed-batch", ".onnx");
            Assert.Equal($"{fixedBatch}: the graph's input 'samples' has a fixed batch of 2; export it with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={{'samples': {{0: 'batch'}}, ...}})).",
                Load(fixedBatch, ReferenceModels.File("refused-fixed-batch", ".json")));
            var integer = ReferenceModels.File("refused-int-output", ".onnx");
            Assert.Equal($"{integer}: the graph's output 'index' is a tensor of Int64; an embedding is a float tensor (choose another with the card's output.name or output.index).",
                Load(integer, ReferenceModels.File("refused-int-output", ".json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static string Load(string model, string card, TorchSharp.torch.Device? device = null)
        {
            var e = Assert.Throws<ModelException>(() => new OnnxModelProvider().Load(new ModelRequest { Weights = model, ModelCard = card, Device = device ?? TorchSharp.torch.CPU }));
            Assert.DoesNotContain('\n', e.Message);
            return e.Message;
        }
    }
}
