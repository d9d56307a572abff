using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Models.VGGish.Tests;

public class VGGishEmbedderTests(ITestOutputHelper output)
{
    private static VGGishEmbedder Embedder(VGGishEmbedderOptions? options = null, VGGishPostProcessor? pca = null) =>
        new(FormulaWeights.Network(), pca, options);

    private static double MinCosine(Tensor a, Tensor b)
    {
        using var cos = nn.functional.cosine_similarity(a.to(ScalarType.Float64), b.to(ScalarType.Float64), dim: 1);
        return cos.min().item<double>();
    }

    [Fact]
    public void Forward_hooks_on_the_network_and_its_layers_fire_when_the_embedder_runs()
    {
        // Modules are invoked through call(), not forward(), so hooks (feature extraction, Captum-style probes) work.
        using var scope = NewDisposeScope();
        var network = new VGGishNetwork();
        var fired = new List<string>();
        network.register_forward_hook((_, _, output) => { fired.Add("network"); return output; });
        foreach (var (name, module) in network.named_children())
        {
            if (module is nn.Module<Tensor, Tensor> layer)
            {
                layer.register_forward_hook((_, _, output) => { fired.Add(name); return output; });
            }
        }
        using var embedder = new VGGishEmbedder(network);
        using (no_grad())
        {
            embedder.Embed(zeros(2, 1, 96, 64));
        }
        Assert.Contains("network", fired);
        Assert.Contains("embeddings", fired);
    }

    [Fact]
    public void Embeds_in_batches_like_one_forward_pass_and_matches_pytorch()
    {
        using var scope = NewDisposeScope();
        using var embedder = Embedder(new VGGishEmbedderOptions { BatchSize = 2 });
        var result = embedder.Embed(FormulaWeights.Inputs(3));
        Assert.Equal(new long[] { 3, 128 }, result.shape);
        Assert.Equal(ScalarType.Float32, result.dtype);
        Assert.True(Fixtures.MaxAbsDiff(result, Fixtures.Npy("parity_embeddings_relu.npy")) <= 1e-4);
        Assert.False(embedder.PostProcesses);
    }

    [Fact]
    public void Leaves_no_tensor_alive_but_the_result()
    {
        using var embedder = Embedder(new VGGishEmbedderOptions { BatchSize = 2 });
        using var input = FormulaWeights.Inputs(5);
        embedder.Embed(input).Dispose(); // warm up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = embedder.Embed(input);
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        result.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Bfloat16_keeps_cosine_similarity_of_at_least_0_999_to_float32()
    {
        using var scope = NewDisposeScope();
        using var embedder32 = Embedder();
        using var embedder16 = Embedder(new VGGishEmbedderOptions { DType = ScalarType.BFloat16 });
        var x = FormulaWeights.Inputs(4);
        var a = embedder32.Embed(x);
        var b = embedder16.Embed(x);
        Assert.Equal(ScalarType.Float32, b.dtype);
        double cosine = MinCosine(a, b);
        output.WriteLine($"min cosine(bf16, fp32) = {cosine:F6}");
        Assert.True(cosine >= 0.999, $"min cosine(bf16, fp32) = {cosine:F6}");
    }

    [Fact]
    public void Float16_keeps_cosine_similarity_of_at_least_0_999_to_float32()
    {
        using var scope = NewDisposeScope();
        using var embedder32 = Embedder();
        using var embedder16 = Embedder(new VGGishEmbedderOptions { DType = ScalarType.Float16 });
        var x = FormulaWeights.Inputs(2);
        double cosine = MinCosine(embedder32.Embed(x), embedder16.Embed(x));
        output.WriteLine($"min cosine(fp16, fp32) = {cosine:F6}");
        Assert.True(cosine >= 0.999, $"min cosine(fp16, fp32) = {cosine:F6}");
    }

    [Fact]
    public void With_pca_the_output_is_quantised()
    {
        using var scope = NewDisposeScope();
        using var embedder = Embedder(pca: VGGishPostProcessor.Load(Fixtures.Path("pca_params_formula.pth")));
        var q = embedder.Embed(FormulaWeights.Inputs(2));
        Assert.True(embedder.PostProcesses);
        Assert.Equal(0.0, Fixtures.MaxAbsDiff(q, q.round()));
        Assert.InRange(q.min().item<float>(), 0, 255);
        Assert.InRange(q.max().item<float>(), 0, 255);
    }

    [Fact]
    public void Embeds_a_flat_array_as_read_from_an_npy_file()
    {
        using var scope = NewDisposeScope();
        using var embedder = Embedder();
        var x = FormulaWeights.Inputs(2);
        var flat = x.data<float>().ToArray();
        var result = embedder.Embed(flat, 2);
        var expected = TensorArrays.ToArray2D(embedder.Embed(x));
        Assert.Equal(expected, result);
        Assert.Throws<ArgumentException>(() => embedder.Embed(flat, 3));
        Assert.Equal(0, embedder.Embed(Array.Empty<float>(), 0).GetLength(0));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void An_embedder_created_inside_a_dispose_scope_outlives_it(ScalarType dtype)
    {
        VGGishEmbedder embedder;
        using (NewDisposeScope())
        {
            embedder = Embedder(new VGGishEmbedderOptions { DType = dtype }, VGGishPostProcessor.Load(Fixtures.Path("pca_params_formula.pth")));
        }
        using (embedder)
        {
            using var scope = NewDisposeScope();
            var q = embedder.Embed(FormulaWeights.Inputs(1));
            Assert.Equal(new long[] { 1, 128 }, q.shape);
        }
    }

    [Fact]
    public void Relax_explains_vggish_through_the_embedder_interface()
    {
        using var embedder = Embedder(new VGGishEmbedderOptions { BatchSize = 8 });
        var explainer = new RelaxExplainer(embedder, new Relax.Masks.TimeFrequencyMasks(), new RelaxOptions { MaskCount = 16, BatchSize = 8, Seed = 3 });
        using var input = FormulaWeights.Inputs(1);
        var result = explainer.Explain(input[0, 0]);
        Assert.Equal(96, result.Saliency.GetLength(0));
        Assert.Equal(64, result.Saliency.GetLength(1));
        Assert.Equal(16, result.MasksUsed);
        Assert.All(result.Saliency.Cast<float>(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Options_are_validated_when_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VGGishEmbedderOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VGGishEmbedderOptions { DType = ScalarType.Int32 });
        Assert.Throws<ArgumentNullException>(() => new VGGishEmbedderOptions { Device = null! });
        Assert.Equal(ScalarType.BFloat16, VGGishEmbedderOptions.ParseDType("bf16"));
        Assert.Throws<ArgumentException>(() => VGGishEmbedderOptions.ParseDType("int8"));
        Assert.Equal(DeviceType.CPU, VGGishEmbedderOptions.ParseDevice("cpu").type);
        Assert.Throws<ArgumentException>(() => VGGishEmbedderOptions.ParseDevice("tpu"));
    }

    [SkippableFact]
    public void On_cuda_the_embedding_matches_the_cpu()
    {
        Skip.IfNot(cuda.is_available(), "No CUDA device (or no TorchSharp-cuda package): skipped.");
        using var scope = NewDisposeScope();
        using var gpu = Embedder(new VGGishEmbedderOptions { Device = CUDA });
        var result = gpu.Embed(FormulaWeights.Inputs(3));
        Assert.Equal(DeviceType.CUDA, result.device_type);
        Assert.True(Fixtures.MaxAbsDiff(result.cpu(), Fixtures.Npy("parity_embeddings_relu.npy")) <= 1e-3);
    }
}
