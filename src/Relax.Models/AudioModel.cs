using Relax.Classification;

namespace Relax.Models;

/// <summary>
/// A model ready to explain, as every part of Relax sees it: the embedder RELAX and the other explainers call, its
/// classifier head and class names when it has one (RISE, probability and accuracy curves, labels), its layers when an
/// explainer can walk them (LRP), what one example's activations cost (to refuse a batch that cannot fit) and what it
/// is (the identity reports, manifests, resume checks and cluster workers compare). Made by an
/// <see cref="IModelProvider"/>; dispose it to free the network.
/// </summary>
public sealed class AudioModel : IDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>Describes a loaded model.</summary>
    /// <param name="embedder">The network as an embedder.</param>
    /// <param name="identity">What the model is, in one line: its name and what makes it this model (for weights read
    /// from a file, their SHA-256, so that another file at the same path is another model).</param>
    /// <param name="activationBytesPerExample">An estimate of the memory one example's forward pass takes (bytes of
    /// activations), at least 1.</param>
    /// <param name="head">A classifier on the embeddings, or null.</param>
    /// <param name="classNames">The head's class names in label order; required with a head (one per class), null
    /// without one.</param>
    /// <param name="layers">The network as a VGG-pattern stack for LRP, or null when it is not one.</param>
    /// <param name="owner">What <see cref="Dispose"/> frees; default the embedder when it is disposable.</param>
    /// <exception cref="ArgumentException">An empty or multi-line identity, a head without matching class names, class
    /// names without a head, or a non-positive activation size.</exception>
    public AudioModel(IEmbedder embedder, string identity, long activationBytesPerExample, IEmbeddingClassifier? head = null,
        IReadOnlyList<string>? classNames = null, VggLayers? layers = null, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        if (identity.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A model's identity is one line (it goes into CSV cells and manifests).", nameof(identity));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(activationBytesPerExample, 1);
        if (head is null != classNames is null)
        {
            throw new ArgumentException(head is null ? "Class names describe a head's classes; this model has no head." : "A head needs its class names.", nameof(classNames));
        }
        if (head is not null && classNames!.Count != head.Classes)
        {
            throw new ArgumentException($"The head has {head.Classes} classes and {classNames.Count} class names were given.", nameof(classNames));
        }
        if (classNames is not null && classNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Class names must not be empty.", nameof(classNames));
        }
        Embedder = embedder;
        Identity = identity;
        ActivationBytesPerExample = activationBytesPerExample;
        Head = head;
        ClassNames = classNames?.ToArray();
        Layers = layers;
        _owner = owner ?? embedder as IDisposable;
    }

    /// <summary>What the model takes, as its card states it, for an exported model; null for a model that takes VGGish's
    /// log-mel examples (B, 1, 96, 64) (Google's VGGish, the default model, an application's own provider). A waveform
    /// model (<see cref="WaveformInput"/>) embeds (B, 1, 1, S) waveforms and is explained over STFT cells.</summary>
    public ModelInput? Input { get; init; }

    /// <summary>Whether gradients flow from the embedding back to the input (a TorchSharp or TorchScript network),
    /// which the gradient explainers (gradient, Integrated Gradients) need; false for a model run outside autograd (an
    /// ONNX Runtime session), whose gradient explainers are refused. Default true.</summary>
    public bool IsDifferentiable { get; init; } = true;

    /// <summary>The network as an embedder: (B, 1, H, W) → (B, D) on its device.</summary>
    public IEmbedder Embedder { get; }

    /// <summary>What the model is, in one line.</summary>
    public string Identity { get; }

    /// <summary>Bytes of activations one example's forward pass needs (an estimate, to refuse a batch that cannot fit).</summary>
    public long ActivationBytesPerExample { get; }

    /// <summary>A classifier on the embeddings; null when the model has none (Google's VGGish).</summary>
    public IEmbeddingClassifier? Head { get; }

    /// <summary>The head's class names in label order; null without a head.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The network as a VGG-pattern stack for LRP; null when it is not one.</summary>
    public VggLayers? Layers { get; }

    /// <summary>Advice for the person running the program, not part of what the model is (so not in
    /// <see cref="Identity"/>, reports or fingerprints), such as where the weights were read from or how to use
    /// another model; null when there is nothing to say.</summary>
    public string? Notice { get; init; }

    /// <summary>Frees the network.</summary>
    public void Dispose() => _owner?.Dispose();
}
