using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>Which model to load and how it runs, checked when set: what the <c>--model</c>, <c>--weights</c>,
/// <c>--device</c>, <c>--dtype</c> and <c>--batch</c> options of the <c>relax</c> command say, for a
/// <see cref="ModelCatalog"/> or one <see cref="IModelProvider"/>.</summary>
public sealed record ModelRequest
{
    private readonly string? _model;
    private readonly string? _weights;
    private readonly string? _modelCard;
    private readonly Device _device = CPU;
    private readonly ScalarType _dtype = ScalarType.Float32;
    private readonly int _batchSize = 64;

    /// <summary>A provider's <see cref="IModelProvider.Name"/>; null (default) lets the catalog choose
    /// (<see cref="ModelCatalog.Choose"/>).</summary>
    public string? Model
    {
        get => _model;
        init => _model = value is null || !string.IsNullOrWhiteSpace(value)
            ? value?.Trim()
            : throw new ArgumentException("A model name must not be empty; leave it null to let the catalog choose.", nameof(Model));
    }

    /// <summary>A weights file for the provider to read (Google's VGGish: its torchvggish weights); null: the
    /// provider's own default. Empty or white space counts as not given (a shell variable that is unset). A provider
    /// that reads no file refuses one.</summary>
    public string? Weights
    {
        get => _weights;
        init => _weights = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>The model card of an exported model (<see cref="IModelFileProvider"/>): a preset name
    /// (<see cref="ModelCard.Presets"/>) or a JSON file; null (default) for the card beside the model file. Empty or
    /// white space counts as not given.</summary>
    public string? ModelCard
    {
        get => _modelCard;
        init => _modelCard = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Where the network runs. Default the CPU.</summary>
    public Device Device
    {
        get => _device;
        init => _device = value ?? throw new ArgumentNullException(nameof(Device));
    }

    /// <summary>The dtype of the weights and activations: <see cref="ScalarType.Float32"/> (default),
    /// <see cref="ScalarType.BFloat16"/> or <see cref="ScalarType.Float16"/>; inputs and embeddings stay float32.</summary>
    public ScalarType DType
    {
        get => _dtype;
        init => _dtype = value is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DType), value, "Use Float32, BFloat16 or Float16.");
    }

    /// <summary>Examples per forward pass (larger inputs are split); at least 1. Default 64.</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "The batch size must be at least 1.");
    }
}
