using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Relax.Models.TorchScript;

/// <summary>
/// The layers of a scripted VGG-pattern network (torchvggish's layout, the shipped default model's), rebuilt for LRP
/// when its parameters say so and its outputs prove it. The parameters must be two sequences,
/// <c>&lt;features&gt;.&lt;i&gt;.weight|bias</c> of convolutions (odd kernels) and <c>&lt;dense&gt;.&lt;i&gt;.weight|bias</c> of
/// linear layers, as an <c>nn.Sequential</c> numbers its modules: a gap of 2 between two convolutions' indices is a
/// ReLU, a gap of 3 a ReLU and a 2 × 2 max-pool; the pools after the last convolution are those that make the first
/// linear layer's input size; linear layers are two apart (a ReLU between). The candidates that leaves open (a ReLU
/// after the last linear layer or not; channels-last or channels-first flatten) are built as TorchSharp modules sharing
/// the module's own weight tensors (no copy) and each run on a fixed random batch beside the scripted module: the one whose
/// embeddings equal the module's (within 1e-4 of their scale) is taken; when none does, the model has no layers and
/// LRP is refused, as for any other network.
/// </summary>
/// <remarks>Written by hand because a TorchScript module, as TorchSharp loads it, does not say which kind of module
/// each child is (only parameters and a compiled graph), and LRP needs the layers themselves.</remarks>
internal static partial class TorchScriptVggLayers
{
    [GeneratedRegex(@"^(?<sequence>[A-Za-z_][A-Za-z0-9_.]*?)\.(?<index>\d{1,6})\.(?<kind>weight|bias)$")]
    private static partial Regex ParameterName();

    /// <summary>The rebuilt layers and what owns their modules, or null when the module is not a VGG-pattern network
    /// (or its card's input is not (N, 1, T, F) log-mel, or it runs in another dtype than float32).</summary>
    public static (VggLayers Layers, IDisposable Owner)? TryRebuild(jit.ScriptModule module, ExportedModelEmbedder embedder, ScalarType dtype)
    {
        if (embedder.Input is not LogMelInput { Layout: InputLayout.BatchChannelTimeFrequency } input || dtype != ScalarType.Float32)
        {
            return null;
        }
        var sequences = new List<(string Name, List<(int Index, Tensor Weight, Tensor? Bias)> Layers)>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var match = ParameterName().Match(name);
            if (!match.Success)
            {
                return null;
            }
            var sequence = match.Groups["sequence"].Value;
            int index = int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (sequences.Count == 0 || sequences[^1].Name != sequence)
            {
                if (sequences.Any(s => s.Name == sequence))
                {
                    return null;
                }
                sequences.Add((sequence, []));
            }
            var layers = sequences[^1].Layers;
            if (match.Groups["kind"].Value == "weight")
            {
                if (layers.Count > 0 && layers[^1].Index >= index)
                {
                    return null;
                }
                layers.Add((index, parameter, null));
            }
            else if (layers.Count > 0 && layers[^1].Index == index && layers[^1].Bias is null)
            {
                layers[^1] = layers[^1] with { Bias = parameter };
            }
            else
            {
                return null;
            }
        }
        if (sequences is not [var (_, convs), var (_, linears)] || convs.Count == 0 || linears.Count == 0
            || convs.Any(c => c.Weight.dim() != 4 || c.Weight.shape[2] % 2 == 0 || c.Weight.shape[3] % 2 == 0) || linears.Any(l => l.Weight.dim() != 2)
            || convs[0].Weight.shape[1] != 1 || convs.Zip(convs.Skip(1)).Any(p => p.First.Weight.shape[0] != p.Second.Weight.shape[1])
            || linears.Zip(linears.Skip(1)).Any(p => p.First.Weight.shape[0] != p.Second.Weight.shape[1] || p.Second.Index - p.First.Index != 2))
        {
            return null;
        }
        return Rebuild(convs, linears, input, embedder);
    }

    private static (VggLayers, IDisposable)? Rebuild(List<(int Index, Tensor Weight, Tensor? Bias)> convs, List<(int Index, Tensor Weight, Tensor? Bias)> linears,
        LogMelInput input, ExportedModelEmbedder embedder)
    {
        // The pools between convolutions, from the gaps of their indices; those after the last, from the first linear layer's size.
        var pooledAfter = new bool[convs.Count];
        for (int k = 0; k + 1 < convs.Count; k++)
        {
            int gap = convs[k + 1].Index - convs[k].Index;
            if (gap is not (2 or 3))
            {
                return null;
            }
            pooledAfter[k] = gap == 3;
        }
        long height = input.FramesPerExample, width = input.MelBands;
        foreach (bool pooled in pooledAfter.Take(convs.Count - 1))
        {
            (height, width) = pooled ? (height / 2, width / 2) : (height, width);
        }
        long channels = convs[^1].Weight.shape[0];
        int trailing = Enumerable.Range(0, 4).FirstOrDefault(t => channels * (height >> t) * (width >> t) == linears[0].Weight.shape[1] && (height >> t) > 0 && (width >> t) > 0, -1);
        if (trailing < 0)
        {
            return null;
        }

        var device = convs[0].Weight.device;
        var owned = new List<nn.Module<Tensor, Tensor>>();
        using var generator = new Generator(20_251_205, device);
        using var probe = randn([2, 1, input.FramesPerExample, input.MelBands], generator: generator, device: device) * 3;
        using var expected = Embedded(embedder, probe);
        double scale = Math.Max(1, expected.abs().max().ToDouble());
        foreach (bool finalRelu in new[] { true, false })
        {
            foreach (var flatten in new[] { FlattenOrder.ChannelsLast, FlattenOrder.ChannelsFirst })
            {
                var features = new List<nn.Module<Tensor, Tensor>>();
                for (int k = 0; k < convs.Count; k++)
                {
                    features.Add(Convolution(convs[k].Weight, convs[k].Bias));
                    features.Add(nn.ReLU());
                    int pools = k + 1 < convs.Count ? (pooledAfter[k] ? 1 : 0) : trailing;
                    features.AddRange(Enumerable.Range(0, pools).Select(_ => nn.MaxPool2d(2, 2)));
                }
                var dense = new List<nn.Module<Tensor, Tensor>>();
                for (int k = 0; k < linears.Count; k++)
                {
                    dense.Add(Dense(linears[k].Weight, linears[k].Bias));
                    if (k + 1 < linears.Count || finalRelu)
                    {
                        dense.Add(nn.ReLU());
                    }
                }
                var layers = new VggLayers(features, dense, flatten);
                double error;
                using (var actual = Forward(layers, probe))
                {
                    error = actual.shape.SequenceEqual(expected.shape) ? (actual - expected).abs().max().ToDouble() : double.PositiveInfinity;
                }
                if (error <= 1e-4 * scale)
                {
                    return (layers, new Modules([.. features, .. dense]));
                }
                foreach (var candidate in features.Concat(dense))
                {
                    candidate.Dispose();
                }
            }
        }
        return null;
    }

    private static Tensor Embedded(ExportedModelEmbedder embedder, Tensor probe)
    {
        using var noGrad = no_grad();
        return embedder.Embed(probe);
    }

    private static Tensor Forward(VggLayers layers, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = input;
        foreach (var layer in layers.Features)
        {
            x = layer.forward(x);
        }
        x = (layers.Flatten == FlattenOrder.ChannelsLast ? x.permute(0, 2, 3, 1) : x).reshape(x.shape[0], -1);
        foreach (var layer in layers.Dense)
        {
            x = layer.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }

    private static Conv2d Convolution(Tensor weight, Tensor? bias)
    {
        long kh = weight.shape[2], kw = weight.shape[3];
        var conv = nn.Conv2d(weight.shape[1], weight.shape[0], (kh, kw), padding: (kh / 2, kw / 2), bias: bias is not null, device: weight.device);
        // The module's own weights, shared (not copied): a rebuilt network costs no second copy of them.
        conv.weight = new Parameter(weight.detach(), requires_grad: false);
        if (bias is not null)
        {
            conv.bias = new Parameter(bias.detach(), requires_grad: false);
        }
        return conv;
    }

    private static Linear Dense(Tensor weight, Tensor? bias)
    {
        var linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: bias is not null, device: weight.device);
        linear.weight = new Parameter(weight.detach(), requires_grad: false);
        if (bias is not null)
        {
            linear.bias = new Parameter(bias.detach(), requires_grad: false);
        }
        return linear;
    }

    /// <summary>Owns the rebuilt modules.</summary>
    private sealed class Modules(IReadOnlyList<nn.Module> modules) : IDisposable
    {
        public void Dispose()
        {
            foreach (var module in modules)
            {
                module.Dispose();
            }
        }
    }
}
