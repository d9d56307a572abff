using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

/// <summary>
/// The fused CPU forward (<see cref="VGGishNetwork.FusedCpuForward"/>) against the layer-by-layer forward of the same
/// network: same values to float rounding; taken for inference only (not in training, not when gradients are recorded).
/// </summary>
public class FusedForwardTests
{
    private readonly ITestOutputHelper _output;

    public FusedForwardTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, int> Cases => new()
    {
        { "standard", 1 }, { "standard", 8 }, { "standard", 17 },
        { "compact", 3 }, { "compact", 16 }, { "compact", 21 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_forward_equals_the_layer_by_layer_forward_in_float32(string architecture, int batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var network = Network(architecture);
        var x = Inputs(batch);
        network.FusedCpuForward = false;
        var expected = network.forward(x);
        network.FusedCpuForward = true;
        var actual = network.forward(x);
        double scale = expected.abs().max().item<float>();
        double diff = Fixtures.MaxAbsDiff(actual, expected);
        _output.WriteLine($"{architecture}, batch {batch}: max |fused − layer-by-layer| = {diff:E2} (largest value {scale:F4})");
        Assert.True(scale > 0.01, "the test network must produce non-trivial embeddings");
        Assert.True(diff <= 1e-5 * scale, $"max |fused − layer-by-layer| = {diff:E2} > 1e-5 × {scale:F4}");
    }

    [Fact]
    public void Fused_forward_in_bfloat16_is_as_close_to_float32_as_the_layer_by_layer_one()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var network = Network("standard");
        var x = Inputs(9);
        var reference = network.forward(x);
        network.to(ScalarType.BFloat16);
        var xb = x.to(ScalarType.BFloat16);
        network.FusedCpuForward = false;
        var layerwise = network.forward(xb).to(ScalarType.Float32);
        network.FusedCpuForward = true;
        var fused = network.forward(xb).to(ScalarType.Float32);
        double cosLayerwise = nn.functional.cosine_similarity(layerwise, reference, 1).min().item<float>();
        double cosFused = nn.functional.cosine_similarity(fused, reference, 1).min().item<float>();
        _output.WriteLine($"bfloat16 vs float32, min cosine: layer-by-layer {cosLayerwise:F6}, fused {cosFused:F6}");
        Assert.True(cosFused >= 0.999, $"fused bfloat16 min cosine {cosFused:F6}");
        Assert.True(1 - cosFused <= 2 * (1 - cosLayerwise) + 1e-5, $"fused {cosFused:F6} vs layer-by-layer {cosLayerwise:F6}");
    }

    [Fact]
    public void Inference_takes_the_fused_path_and_training_or_gradients_do_not()
    {
        using var scope = NewDisposeScope();
        using var network = Network("compact");
        var x = Inputs(2);
        long before = network.FusedForwardCount;
        using (no_grad())
        {
            network.forward(x);
        }
        Assert.Equal(before + 1, network.FusedForwardCount);

        network.FusedCpuForward = false;
        using (no_grad())
        {
            network.forward(x);
        }
        network.FusedCpuForward = true;
        network.train();
        using (no_grad())
        {
            network.forward(x);
        }
        network.eval();
        network.forward(x.detach().clone().requires_grad_(true));
        Assert.Equal(before + 1, network.FusedForwardCount);
    }

    [Fact]
    public void Input_gradients_at_a_constant_input_are_those_of_the_layer_by_layer_forward()
    {
        // A constant input ties every 2 × 2 window of the first block: max-pooling gives the gradient to one value,
        // an elementwise maximum would split it. Gradient attribution takes its gradient at such an input.
        using var scope = NewDisposeScope();
        using var network = Network("compact");
        foreach (var p in network.parameters())
        {
            p.requires_grad = false;
        }
        Tensor Gradient(bool fused)
        {
            network.FusedCpuForward = fused;
            var x = full(3, 1, 96, 64, 0.7f).requires_grad_(true);
            var e = network.forward(x);
            (e * e).sum().backward();
            return x.grad!.detach().clone();
        }
        var expected = Gradient(false);
        var actual = Gradient(true);
        Assert.True(expected.abs().max().item<float>() > 0, "the gradient must not vanish");
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(actual, expected));
    }

    [Fact]
    public void An_empty_batch_gives_no_embeddings()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var network = Network("compact");
        var result = network.forward(zeros(0, 1, 96, 64));
        Assert.Equal(new long[] { 0, 128 }, result.shape);
    }

    private static VGGishNetwork Network(string architecture)
    {
        if (architecture == "standard")
        {
            return FormulaWeights.Network();
        }
        manual_seed(7);
        var network = new VGGishNetwork(VGGishArchitecture.Compact);
        network.eval();
        return network;
    }

    private static Tensor Inputs(int batch) => FormulaWeights.Inputs(batch);
}
