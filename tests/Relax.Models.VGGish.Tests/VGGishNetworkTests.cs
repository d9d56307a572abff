using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

public class VGGishNetworkTests : IClassFixture<FormulaNetworkFixture>
{
    private readonly FormulaNetworkFixture _fixture;
    private readonly ITestOutputHelper _output;

    public VGGishNetworkTests(FormulaNetworkFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void State_dict_keys_and_shapes_equal_torchvggish()
    {
        using var network = new VGGishNetwork();
        var sd = network.state_dict();
        Assert.Equal(FormulaWeights.TorchVGGishKeys.Order(), sd.Keys.Order());
        Assert.Equal(new long[] { 64, 1, 3, 3 }, sd["features.0.weight"].shape);
        Assert.Equal(new long[] { 512, 512, 3, 3 }, sd["features.13.weight"].shape);
        Assert.Equal(new long[] { 4096, 12288 }, sd["embeddings.0.weight"].shape);
        Assert.Equal(new long[] { 128 }, sd["embeddings.4.bias"].shape);
    }

    [Fact]
    public void Embeddings_match_pytorch_within_1e_4_with_the_final_relu()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var actual = _fixture.Network.forward(FormulaWeights.Inputs(3));
        var expected = Fixtures.Npy("parity_embeddings_relu.npy");
        double diff = Fixtures.MaxAbsDiff(actual, expected);
        _output.WriteLine($"final ReLU: max |C# − PyTorch| = {diff:E3}");
        Assert.True(diff <= 1e-4, $"max |C# − PyTorch| = {diff:E3}");
    }

    [Fact]
    public void Without_the_final_relu_embeddings_match_pytorch_and_keep_negative_values()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var network = FormulaWeights.Network(finalRelu: false);
        var actual = network.forward(FormulaWeights.Inputs(3));
        var expected = Fixtures.Npy("parity_embeddings_norelu.npy");
        double diff = Fixtures.MaxAbsDiff(actual, expected);
        _output.WriteLine($"no final ReLU: max |C# − PyTorch| = {diff:E3}");
        Assert.True(diff <= 1e-4, $"max |C# − PyTorch| = {diff:E3}");
        Assert.True(actual.min().item<float>() < 0);
        Assert.False(network.FinalRelu);
    }

    [Fact]
    public void Accepts_three_dimensional_input_and_rejects_other_sizes()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = FormulaWeights.Inputs(2);
        var four = _fixture.Network.forward(x);
        var three = _fixture.Network.forward(x.squeeze(1));
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(four, three));
        var error = Assert.Throws<ArgumentException>(() => _fixture.Network.forward(zeros(2, 1, 95, 64)));
        Assert.Contains("(2, 1, 95, 64)", error.Message, StringComparison.Ordinal);
    }
}
