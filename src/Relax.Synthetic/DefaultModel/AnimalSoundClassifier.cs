using Relax.Models.VGGish;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Synthetic;

/// <summary>
/// A network in VGGish's layer pattern with a linear classifier on its embedding: the shape of the shipped default
/// model. State-dict keys are VGGish's (<c>features.*</c>, <c>embeddings.*</c>) plus <c>classifier.weight</c> and
/// <c>classifier.bias</c>.
/// </summary>
public sealed class AnimalSoundClassifier : Module<Tensor, Tensor>
{
    private readonly VGGishNetwork network;
    private readonly Linear classifier;

    /// <summary>Creates the model with PyTorch's default (random) initialisation, from the current torch seed.</summary>
    /// <param name="architecture">Widths of the embedding network.</param>
    /// <param name="classes">Number of classes, at least 2.</param>
    public AnimalSoundClassifier(VGGishArchitecture architecture, int classes) : base("AnimalSoundClassifier")
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        network = new VGGishNetwork(architecture, finalRelu: true);
        classifier = Linear(architecture.EmbeddingSize, classes);
        Classes = classes;
        RegisterComponents();
    }

    /// <summary>The embedding network (explained by RELAX).</summary>
    public VGGishNetwork Network => network;

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Class logits (B, classes) of log-mel examples (B, 1, 96, 64).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return classifier.call(network.call(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier head's weights (classes, embedding) and bias (classes), copied to managed arrays.</summary>
    public (double[,] Weights, double[] Bias) HeadParameters()
    {
        using var w = classifier.weight!.detach().to(ScalarType.Float64, CPU).contiguous();
        using var b = classifier.bias!.detach().to(ScalarType.Float64, CPU).contiguous();
        var weights = new double[w.shape[0], w.shape[1]];
        var values = w.data<double>().ToArray();
        Buffer.BlockCopy(values, 0, weights, 0, values.Length * sizeof(double));
        return (weights, b.data<double>().ToArray());
    }
    /// <summary>A copy of the embedding network (<see cref="Network"/>) as an embedder that owns it, independent of this
    /// model's lifetime.</summary>
    /// <param name="options">Device, dtype and batch size of the embedder.</param>
    public VGGishEmbedder CreateEmbedder(VGGishEmbedderOptions? options = null)
    {
        var copy = new VGGishNetwork(network.Architecture, network.FinalRelu);
        using (no_grad())
        {
            var source = network.state_dict();
            foreach (var (name, parameter) in copy.state_dict())
            {
                parameter.copy_(source[name]);
            }
        }
        return new VGGishEmbedder(copy, null, options);
    }
}
