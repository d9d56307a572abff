using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

/// <summary>
/// The fused CPU forward (<see cref="VGGishNetwork.FusedCpuForward"/>) against the layer-by-layer forward of the same
/// network: same values to float rounding, same input gradients, and no use in training mode.
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
    public void Input_gradients_of_the_fused_forward_equal_the_layer_by_layer_ones()
    {
        using var scope = NewDisposeScope();
        using var network = Network("compact");
        foreach (var p in network.parameters())
        {
            p.requires_grad = false;
        }
        var baseInput = Inputs(4);
        Tensor Gradient(bool fused)
        {
            network.FusedCpuForward = fused;
            var x = baseInput.detach().clone().requires_grad_(true);
            var e = network.forward(x);
            var loss = (e * e).sum();
            loss.backward();
            return x.grad!.detach().clone();
        }
        var expected = Gradient(false);
        var actual = Gradient(true);
        double scale = expected.abs().max().item<float>();
        double diff = Fixtures.MaxAbsDiff(actual, expected);
        _output.WriteLine($"input gradient: max |fused − layer-by-layer| = {diff:E2} (largest {scale:E2})");
        Assert.True(scale > 0, "the gradient must not vanish");
        Assert.True(diff <= 1e-4 * scale, $"max |Δ gradient| = {diff:E2} > 1e-4 × {scale:E2}");
    }

    [Fact]
    public void Training_mode_uses_the_layer_by_layer_forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var network = Network("compact");
        var x = Inputs(5);
        network.train();
        network.FusedCpuForward = false;
        var layerwise = network.forward(x);
        network.FusedCpuForward = true;
        var training = network.forward(x);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(training, layerwise));
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
