using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Models.VGGish;

/// <summary>Settings of a <see cref="VGGishEmbedder"/>, checked when set.</summary>
public sealed record VGGishEmbedderOptions
{
    private readonly Device _device = CPU;
    private readonly ScalarType _dtype = ScalarType.Float32;
    private readonly int _batchSize = 64;

    /// <summary>Where the network runs. Default: the CPU. CUDA devices need the TorchSharp-cuda package and a GPU.</summary>
    public Device Device
    {
        get => _device;
        init => _device = value ?? throw new ArgumentNullException(nameof(Device));
    }

    /// <summary>The dtype of the weights and activations: <see cref="ScalarType.Float32"/> (default),
    /// <see cref="ScalarType.BFloat16"/> or <see cref="ScalarType.Float16"/>. Inputs and outputs stay float32.</summary>
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

    /// <summary>The device chosen by name: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, or <c>auto</c> (CUDA when
    /// available, else the CPU).</summary>
    /// <exception cref="ArgumentException">Unknown name, or CUDA asked for but not available.</exception>
    public static Device ParseDevice(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "auto")
        {
            return cuda.is_available() ? CUDA : CPU;
        }
        if (lower.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
        {
            throw new ArgumentException($"Device '{name}': CUDA is not available (no GPU, or the TorchSharp-cuda package is missing).", nameof(name));
        }
        try
        {
            return torch.device(lower);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"Unknown device '{name}'; use cpu, cuda, cuda:N or auto.", nameof(name), e);
        }
    }

    /// <summary>The dtype chosen by name: <c>float32</c>, <c>bfloat16</c> or <c>float16</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ScalarType ParseDType(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "float32" or "fp32" or "float" => ScalarType.Float32,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" or "half" => ScalarType.Float16,
            _ => throw new ArgumentException($"Unknown dtype '{name}'; use float32, bfloat16 or float16.", nameof(name)),
        };
    }
}
