using Relax.Models.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Models.TorchScript.Tests;

public class TorchScriptModelProviderTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("logmel-cnn")] // (N, 1, T, F) in; output 1 of a tuple, (N, T, D), mean over T
    [InlineData("logmel-tf")]  // (N, F, T) in; one output (N, T, D), token 0
    [InlineData("default-model")] // the shipped default model's embedding network, (N, D) out
    public void Embeddings_equal_pytorchs_within_1e_5_relative(string name)
    {
        using var model = new TorchScriptModelProvider().Load(new ModelRequest { Model = "torchscript", Weights = ReferenceModels.File(name, ".pt"), BatchSize = 2 });
        double error = ReferenceModels.ErrorAgainstPyTorch(model, name); // 5 examples in batches of 2, 2, 1
        log.WriteLine($"{name}: largest relative error of an embedding against PyTorch's: {error:E2}");
        Assert.True(error < 1e-5, $"{name}: {error}");
        Assert.True(model.IsDifferentiable);
        Assert.Matches($"^TorchScript model {name} \\(file SHA-256 [0-9a-f]{{64}}, card [0-9a-f]{{16}}\\)$", model.Identity);
    }

    [Fact]
    public void Gradients_flow_through_the_scripted_module_to_the_input()
    {
        using var model = new TorchScriptModelProvider().Load(new ModelRequest { Weights = ReferenceModels.File("logmel-cnn", ".pt") });
        var (inputs, shape) = ReferenceModels.Inputs();
        using var x = tensor(inputs, shape).requires_grad_(true);
        using var embedding = model.Embedder.Embed(x);
        using var sum = embedding.sum();
        sum.backward();
        using var grad = x.grad!;
        Assert.True(grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_waveform_encoders_embeddings_equal_pytorchs_within_1e_5_relative()
    {
        // (N, S) in, (N, T, D) out averaged over T.
        using var model = new TorchScriptModelProvider().Load(new ModelRequest { Weights = ReferenceModels.File("wave-encoder", ".pt"), BatchSize = 2 });
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
            var pt = ReferenceModels.File("logmel-cnn", ".pt");
            var text = File.ReadAllText(ReferenceModels.File("logmel-cnn", ".json"));

            File.WriteAllText(card, text.Replace("\"index\": 1", "\"index\": 2", StringComparison.Ordinal));
            Assert.Equal($"{pt}: the module returns 2 outputs; the card's output.index is 2.", Load(pt, card));

            File.WriteAllText(card, text.Replace("\"reduce\": \"mean\"", "\"reduce\": \"none\"", StringComparison.Ordinal));
            Assert.Equal($"{pt}: output 'frames' is (1, 24, 16), (N, T, D); set the card's output.reduce to \"mean\" or \"token:K\" to make one vector per example.", Load(pt, card));

            File.WriteAllText(card, text.Replace("\"N,1,T,F\"", "\"N,F,T\"", StringComparison.Ordinal));
            Assert.StartsWith($"{pt}: the module failed on a batch of shape (1, 64, 96), the card's input.layout N,F,T: ", Load(pt, card), StringComparison.Ordinal);

            var garbage = Path.Combine(folder, "garbage.pt");
            File.WriteAllText(garbage, "not a zip archive");
            Assert.StartsWith($"{garbage}: not a TorchScript model TorchSharp can load", Load(garbage, "vggish"), StringComparison.Ordinal);

            Assert.StartsWith($"{Path.Combine(folder, "missing.pt")}: no such file; expected a TorchScript model", Load(Path.Combine(folder, "missing.pt"), "vggish"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static string Load(string model, string card)
        {
            var e = Assert.Throws<ModelException>(() => new TorchScriptModelProvider().Load(new ModelRequest { Weights = model, ModelCard = card }));
            Assert.DoesNotContain('\n', e.Message);
            return e.Message;
        }
    }
}
