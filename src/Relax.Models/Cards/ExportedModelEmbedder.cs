using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>
/// What every exported model's embedder does the same way (TorchScript, ONNX): checks that a batch is examples
/// (B, 1, H, W) of the card's size (log-mel (B, 1, T, F); waveforms (B, 1, 1, S)), runs it in chunks of the batch size
/// (and of at most <see cref="MaxChunkBytes"/> of input, so that no run hands a runtime one buffer over its limits),
/// lays each chunk out as the card says (<see cref="ModelInput.Arrange"/>), lets the format run it (<see cref="Run"/>), and reduces the card's output to
/// (B, D) (<see cref="ModelOutput.Embedding"/>). <see cref="CheckCard"/> runs one silent example at load, so a card
/// that does not fit its model is refused before any work.
/// </summary>
public abstract class ExportedModelEmbedder : IEmbedder, IDisposable
{
    private readonly ScalarType _dtype;
    private readonly int _batchSize;

    /// <summary>The most bytes of input in one run (256 MiB): a large batch of long waveforms is run in parts.</summary>
    public const long MaxChunkBytes = 256L << 20;

    /// <summary>Creates the embedder.</summary>
    /// <param name="file">The model's file and card.</param>
    /// <param name="device">Where the embeddings are returned (and the model runs, where the format can).</param>
    /// <param name="dtype">The dtype the inputs are given to the model in.</param>
    /// <param name="batchSize">The most examples per run.</param>
    protected ExportedModelEmbedder(ExportedModelFile file, Device device, ScalarType dtype, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Input = file.Card.Input;
        Output = file.Card.Output;
        Source = file.Path;
        Device = device;
        (_dtype, _batchSize) = (dtype, batchSize);
    }

    /// <inheritdoc/>
    public Device Device { get; }

    /// <summary>The card's input.</summary>
    public ModelInput Input { get; }

    /// <summary>The card's output.</summary>
    protected ModelOutput Output { get; }

    /// <summary>The model file, for messages.</summary>
    protected string Source { get; }

    /// <summary>Bytes of activations one example may need: unknown for an arbitrary graph, so a generous multiple (64×)
    /// of one example's input, at least 1 MiB.</summary>
    public long ActivationBytesPerExample => Math.Max(1L << 20, 64L * Input.ExampleShape.Height * Input.ExampleShape.Width * sizeof(float));

    /// <summary>D, the length of one embedding (known after <see cref="CheckCard"/>).</summary>
    public int EmbeddingSize { get; private set; }

    /// <summary>Runs one batch laid out as the card says and returns the card's output, not yet reduced (in the
    /// current dispose scope).</summary>
    /// <param name="arranged">The batch in the card's layout and the model's dtype, on <see cref="Device"/>.</param>
    /// <exception cref="ModelException">The model fails on it, or has no such output; one line.</exception>
    protected abstract Tensor Run(Tensor arranged);

    /// <summary>Embeds one silent example to check the card against the model, and learns <see cref="EmbeddingSize"/>.</summary>
    /// <exception cref="ModelException">The card does not fit the model; one line.</exception>
    protected void CheckCard()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (height, width) = Input.ExampleShape;
        var embedding = Embed(zeros([1, 1, height, width], device: Device));
        EmbeddingSize = (int)embedding.shape[1];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The inputs are not (B, 1, H, W) with the card's example shape.</exception>
    /// <exception cref="ModelException">The model fails on them or its output does not fit the card; one line.</exception>
    public Tensor Embed(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (height, width) = Input.ExampleShape;
        if (inputs.dim() != 4 || inputs.shape[1] != 1 || inputs.shape[2] != height || inputs.shape[3] != width)
        {
            throw new ArgumentException($"{Source} embeds {Input.Kind} examples (B, 1, {height}, {width}); got ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        }
        using var scope = NewDisposeScope();
        long elementBytes = _dtype switch
        {
            ScalarType.Float64 => 8,
            ScalarType.Float16 or ScalarType.BFloat16 => 2,
            _ => 4,
        };
        long chunk = Math.Max(1, Math.Min(_batchSize, MaxChunkBytes / ((long)height * width * elementBytes)));
        var parts = inputs.shape[0] <= chunk ? [inputs] : inputs.split(chunk);
        var embeddings = parts.Select(part => Output.Embedding(Run(Input.Arrange(part.to(_dtype))), Source)).ToArray();
        return (embeddings.Length == 1 ? embeddings[0] : cat(embeddings, 0)).to(Device).MoveToOuterDisposeScope();
    }

    /// <summary>The first line of a native error, for a one-line message.</summary>
    protected static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split('\n', 2)[0].Trim();
    }

    /// <summary>Frees the model.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the model's native resources.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
