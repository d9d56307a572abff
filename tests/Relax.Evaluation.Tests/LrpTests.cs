using System.Text.Json;
using Relax.Attribution;
using Relax.Classification;
using Relax.Models;
using Relax.Models.Tests;
using Relax.Models.TorchScript;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Evaluation.Tests;

/// <summary>
/// LRP against an independent PyTorch implementation (tools/reference/lrp_reference.py, autograd-based, float64) on a
/// small VGG-pattern network whose weights the fixture carries; against gradient × input, which LRP-0 equals for a
/// bias-free ReLU network; and for conservation: with zero biases the relevances sum to the explained output.
/// </summary>
public sealed class LrpTests(ITestOutputHelper output)
{
    private static JsonElement Reference() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lrp_reference.json"))).RootElement;

    /// <summary>conv 1→4, relu, pool, conv 4→6, relu, pool | linear 72→16, relu, linear 16→8, relu; float64.</summary>
    private sealed class SmallNetwork : IDisposable
    {
        public SmallNetwork(bool biases = true)
        {
            Features = [Conv2d(1, 4, 3, padding: 1, bias: biases, dtype: ScalarType.Float64), ReLU(), MaxPool2d(2, 2),
                Conv2d(4, 6, 3, padding: 1, bias: biases, dtype: ScalarType.Float64), ReLU(), MaxPool2d(2, 2)];
            Dense = [Linear(72, 16, hasBias: biases, dtype: ScalarType.Float64), ReLU(), Linear(16, 8, hasBias: biases, dtype: ScalarType.Float64), ReLU()];
        }

        public Module<Tensor, Tensor>[] Features { get; }

        public Module<Tensor, Tensor>[] Dense { get; }

        public Conv2d Conv(int i) => (Conv2d)Features[i == 0 ? 0 : 3];

        public Linear Fc(int i) => (Linear)Dense[i == 0 ? 0 : 2];

        public LrpNetwork Lrp() => LrpNetwork.FromVggPattern(Features, Dense, FlattenOrder.ChannelsLast);

        /// <summary>The plain forward pass, for autograd.</summary>
        public Tensor Forward(Tensor x)
        {
            foreach (var layer in Features)
            {
                x = layer.call(x);
            }
            x = x.permute(0, 2, 3, 1).contiguous().flatten(1);
            foreach (var layer in Dense)
            {
                x = layer.call(x);
            }
            return x;
        }

        public void Dispose()
        {
            foreach (var m in Features.Concat(Dense))
            {
                m.Dispose();
            }
        }
    }

    private static void Load(Tensor parameter, JsonElement element)
    {
        var values = element.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var shape = element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        Assert.Equal(parameter.shape, shape);
        using var _ = no_grad();
        using var t = tensor(values, shape, ScalarType.Float64);
        parameter.copy_(t);
    }

    [Fact]
    public void Relevance_maps_match_an_independent_PyTorch_implementation()
    {
        var reference = Reference();
        var parameters = reference.GetProperty("parameters");
        var input = reference.GetProperty("input");
        using var x = tensor(input.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            input.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(), ScalarType.Float64);
        var w = parameters.GetProperty("head.weight");
        var headWeights = new double[3, 8];
        var flat = w.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int i = 0; i < flat.Length; i++)
        {
            headWeights[i / 8, i % 8] = flat[i];
        }
        var headBias = parameters.GetProperty("head.bias").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int cases = 0;
        foreach (var c in reference.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            bool biases = c.GetProperty("biases").GetString() == "on";
            using var network = new SmallNetwork(biases);
            Load(network.Conv(0).weight, parameters.GetProperty("conv1.weight"));
            Load(network.Conv(1).weight, parameters.GetProperty("conv2.weight"));
            Load(network.Fc(0).weight!, parameters.GetProperty("fc1.weight"));
            Load(network.Fc(1).weight!, parameters.GetProperty("fc2.weight"));
            if (biases)
            {
                Load(network.Conv(0).bias!, parameters.GetProperty("conv1.bias"));
                Load(network.Conv(1).bias!, parameters.GetProperty("conv2.bias"));
                Load(network.Fc(0).bias!, parameters.GetProperty("fc1.bias"));
                Load(network.Fc(1).bias!, parameters.GetProperty("fc2.bias"));
            }
            var rules = new LrpRules
            {
                Epsilon = c.GetProperty("epsilon").GetDouble(),
                Gamma = c.GetProperty("gamma").GetDouble(),
                Stabilizer = c.GetProperty("stabilizer").GetDouble(),
                InputRule = c.GetProperty("first_layer").GetString() == "zbox" ? LrpInputRule.ZBox : LrpInputRule.Gamma,
                DType = ScalarType.Float64,
            };
            var classifier = c.GetProperty("target").GetString() == "logit"
                ? new LinearSoftmaxClassifier(headWeights, biases ? headBias : new double[3])
                : null;
            var explanation = new LrpAttribution(network.Lrp(), classifier, rules).Explain(x);
            var expected = c.GetProperty("relevance").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var actual = explanation.Map.Cast<float>().Select(v => (double)v).ToArray();
            double scale = expected.Max(Math.Abs);
            double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{name}: f = {explanation.Output:G10} (reference {c.GetProperty("output").GetDouble():G10}), Σ R = {explanation.RelevanceSum:G10} (reference {c.GetProperty("relevance_sum").GetDouble():G10}), max |Δ| = {worst:E2} of max |R| {scale:E2}");
            Assert.Equal(c.GetProperty("output").GetDouble(), explanation.Output, 1e-9);
            if (c.TryGetProperty("class", out var cls) && cls.ValueKind == JsonValueKind.Number)
            {
                Assert.Equal(cls.GetInt32(), explanation.TargetClass);
            }
            // The map is float32 (as every attribution map); the computation is float64.
            Assert.True(worst <= 1e-6 * scale, $"{name}: max |Δ| {worst} against max |R| {scale}");
            Assert.Equal(c.GetProperty("relevance_sum").GetDouble(), explanation.RelevanceSum, 1e-5 * Math.Abs(explanation.Output));
            cases++;
        }
        Assert.Equal(4, cases);
    }

    [Fact]
    public void A_scripted_vgg_pattern_network_has_its_layers_rebuilt_and_its_relevance_is_the_references()
    {
        // The reference network as TorchScript (tools/reference/lrp_torchscript.py): float32 weights, the reference's
        // float64 ones rounded; its layers are rebuilt from the module's parameters and shown to give its embeddings.
        var reference = Reference();
        var provider = new TorchScriptModelProvider();
        using var model = provider.Load(new ModelRequest { Weights = ReferenceModels.File("lrp-net", ".pt") });
        var network = LrpNetwork.For(model) ?? throw new Xunit.Sdk.XunitException("no layers rebuilt for lrp-net.pt");
        Assert.Contains("a VGG-pattern network (its layers rebuilt for LRP)", model.Notice, StringComparison.Ordinal);
        var c = reference.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "projection");
        var input = reference.GetProperty("input");
        using var x = tensor(input.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            input.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(), ScalarType.Float64);
        var rules = new LrpRules
        {
            Epsilon = c.GetProperty("epsilon").GetDouble(),
            Gamma = c.GetProperty("gamma").GetDouble(),
            Stabilizer = c.GetProperty("stabilizer").GetDouble(),
            InputRule = LrpInputRule.ZBox,
            DType = ScalarType.Float64,
        };
        var explanation = new LrpAttribution(network, null, rules).Explain(x);
        var expected = c.GetProperty("relevance").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var actual = explanation.Map.Cast<float>().Select(v => (double)v).ToArray();
        double scale = expected.Max(Math.Abs), worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"scripted lrp-net: max |Δ| = {worst:E2} of max |R| {scale:E2}");
        Assert.True(worst <= 1e-4 * scale, $"max |Δ| {worst} against max |R| {scale}");   // float32 weights against float64
        Assert.Equal(c.GetProperty("output").GetDouble(), explanation.Output, 1e-4 * Math.Abs(explanation.Output));

        // The shipped default model exported as TorchScript is one too; a network of another shape has no layers.
        using var defaultModel = provider.Load(new ModelRequest { Weights = ReferenceModels.File("default-model", ".pt") });
        Assert.NotNull(LrpNetwork.For(defaultModel));
        using var cnn = provider.Load(new ModelRequest { Weights = ReferenceModels.File("logmel-cnn", ".pt") });
        Assert.Null(cnn.Layers);
    }

    [Fact]
    public void Without_biases_relevance_is_conserved_and_LRP0_is_gradient_times_input()
    {
        manual_seed(7);
        using var network = new SmallNetwork(biases: false);
        using var x = randn(1, 1, 16, 12, dtype: ScalarType.Float64) * 1.5 - 1.0;
        foreach (var rule in new[] { LrpInputRule.ZBox, LrpInputRule.Gamma })
        {
            var explanation = new LrpAttribution(network.Lrp(), rules: new LrpRules { Epsilon = 1e-12, Gamma = 0.25, InputRule = rule, Stabilizer = 1e-12, DType = ScalarType.Float64 }).Explain(x);
            output.WriteLine($"{rule}: f = {explanation.Output:G12}, Σ R = {explanation.RelevanceSum:G12}, error {explanation.ConservationError:E2}");
            Assert.True(explanation.Output > 0);
            Assert.True(explanation.ConservationError < 1e-9, $"{rule}: conservation error {explanation.ConservationError}");
        }

        var lrp0 = new LrpAttribution(network.Lrp(), rules: new LrpRules { Epsilon = 0, Gamma = 0, InputRule = LrpInputRule.Gamma, Stabilizer = 1e-12, DType = ScalarType.Float64 }).Explain(x);
        using var point = x.clone().requires_grad_(true);
        Tensor gradient;
        using (var e = network.Forward(point))
        using (var unit = (e / e.norm()).detach())
        using (var projection = (e * unit).sum())
        {
            gradient = autograd.grad([projection], [point])[0];
        }
        using var gradientTimesInput = (gradient * x).reshape(16, 12);
        var expected = TensorArrays.ToArray2D(gradientTimesInput);
        double scale = expected.Cast<float>().Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i, j] - lrp0.Map[i, j]));
            }
        }
        gradient.Dispose();
        Assert.True(worst <= 1e-6 * scale, $"LRP-0 vs gradient × input: max |Δ| {worst} against {scale}");
    }

    [Fact]
    public void A_layer_outside_the_pattern_is_refused_by_name()
    {
        using var avg = AvgPool2d(2);
        using var conv = Conv2d(1, 2, 3, padding: 1);
        using var relu = ReLU();
        using var linear = Linear(2, 2);
        var e = Assert.Throws<ArgumentException>(() => LrpNetwork.FromVggPattern([conv, relu, avg], [linear]));
        Assert.Contains("AvgPool2d", e.Message);
        using var strided = Conv2d(1, 2, 3, stride: 2, padding: 1);
        e = Assert.Throws<ArgumentException>(() => LrpNetwork.FromVggPattern([strided], [linear]));
        Assert.Contains("stride", e.Message);
        Assert.Throws<ArgumentException>(() => LrpNetwork.FromVggPattern([relu, conv], [linear]));
        Assert.Throws<ArgumentException>(() => LrpNetwork.FromVggPattern([conv], [relu]));
        Assert.Throws<ArgumentException>(() => AttributionMethods.Create("lrp", new AttributionSettings(new Relax.Core.Tests.ConstantEmbedder())));
    }

    [Fact]
    public void A_linear_heads_folded_logits_give_its_probabilities()
    {
        var weights = new double[,] { { 1, -2, 0.5 }, { 0.3, 0.1, -1 } };
        var classifier = new LinearSoftmaxClassifier(weights, [0.2, -0.4], mean: [1, -1, 0.5], scale: [2, 0.5, 4]);
        var z = new[] { 0.7, -0.3, 2.0 };
        var logits = Enumerable.Range(0, 2).Select(k =>
        {
            var (w, b) = classifier.Logit(k);
            return w.Zip(z, (a, v) => a * v).Sum() + b;
        }).ToArray();
        var p = classifier.PredictProbabilities(new float[,] { { 0.7f, -0.3f, 2.0f } });
        // By hand: z' = ((0.7 − 1)/2, (−0.3 + 1)/0.5, (2 − 0.5)/4) = (−0.15, 1.4, 0.375).
        Assert.Equal(1 * -0.15 - 2 * 1.4 + 0.5 * 0.375 + 0.2, logits[0], 1e-12);
        Assert.Equal(0.3 * -0.15 + 0.1 * 1.4 - 1 * 0.375 - 0.4, logits[1], 1e-12);
        Assert.Equal(1 / (1 + Math.Exp(logits[1] - logits[0])), p[0, 0], 6);
    }
}
