using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

public class VGGishPostProcessorTests
{
    [Theory]
    [InlineData("pca_params_formula.pth")]
    [InlineData("pca_params_formula.npz")]
    [InlineData("pca_params_numpy_legacy.pth")]
    public void Reads_pca_parameters_written_by_pytorch_and_numpy(string file)
    {
        using var scope = NewDisposeScope();
        var tensors = StateDictFile.Load(Fixtures.Path(file));
        var (eigen, means) = FormulaWeights.Pca();
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(tensors["pca_eigen_vectors"], eigen), 7);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(tensors["pca_means"], means), 7);
        using var pca = VGGishPostProcessor.Load(Fixtures.Path(file));
    }

    [Fact]
    public void Post_processing_matches_torchvggish()
    {
        using var scope = NewDisposeScope();
        using var pca = VGGishPostProcessor.Load(Fixtures.Path("pca_params_formula.pth"));
        var raw = Fixtures.Npy("parity_embeddings_norelu.npy");
        var expected = Fixtures.Npy("parity_postprocessed.npy");
        var actual = pca.Apply(raw);
        Assert.Equal(expected.shape, actual.shape);
        // Quantisation may flip a value sitting on a rounding boundary by one step; none differs more.
        Assert.True(Fixtures.MaxAbsDiff(actual, expected) <= 1.0);
        long equal = actual.eq(expected).sum().item<long>();
        Assert.True(equal >= actual.numel() - 2, $"{actual.numel() - equal} of {actual.numel()} values differ");
        Assert.True(actual.min().item<float>() >= 0 && actual.max().item<float>() <= 255);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(actual, actual.round()));
    }

    [Fact]
    public void Clips_to_the_quantisation_range()
    {
        using var scope = NewDisposeScope();
        using var pca = new VGGishPostProcessor(eye(128), zeros(128));
        var q = pca.Apply(cat(new[] { full(1, 128, -5f), full(1, 128, 5f), zeros(1, 128) }, 0));
        Assert.Equal(0f, q[0, 0].item<float>());
        Assert.Equal(255f, q[1, 0].item<float>());
        Assert.Equal(128f, q[2, 0].item<float>()); // round(127.5) = 128 (half to even)
    }

    [Fact]
    public void Wrong_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new VGGishPostProcessor(eye(64), zeros(128)));
        Assert.Throws<ArgumentException>(() => new VGGishPostProcessor(eye(128), zeros(127)));
        var error = Assert.Throws<VGGishWeightsMismatchException>(() => VGGishPostProcessor.Load(Fixtures.Path("partial_state_dict.pth")));
        Assert.Contains("missing: pca_eigen_vectors", error.Message, StringComparison.Ordinal);
    }
}
