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
    public static Device ParseDevice(string name) =>
        TryParseDevice(name, out var device, out var error) ? device : throw new ArgumentException(error, nameof(name));

    /// <summary>Like <see cref="ParseDevice"/>, without exceptions: false with a one-line reason for an unknown or
    /// unavailable device.</summary>
    public static bool TryParseDevice(string? name, out Device device, out string error)
    {
        device = CPU;
        error = "";
        var lower = name?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(lower))
        {
            error = "Give a device: cpu, cuda, cuda:N or auto.";
            return false;
        }
        if (lower == "auto")
        {
            device = cuda.is_available() ? CUDA : CPU;
            return true;
        }
        if (lower.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
        {
            error = $"Device '{name}': CUDA is not available (no GPU, or the TorchSharp-cuda package is missing).";
            return false;
        }
        try
        {
            device = torch.device(lower);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            error = $"Unknown device '{name}'; use cpu, cuda, cuda:N or auto.";
            return false;
        }
    }

    /// <summary>The dtype chosen by name: <c>float32</c>, <c>bfloat16</c> or <c>float16</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ScalarType ParseDType(string name) =>
        TryParseDType(name, out var dtype, out var error) ? dtype : throw new ArgumentException(error, nameof(name));

    /// <summary>Like <see cref="ParseDType"/>, without exceptions: false with a one-line reason for an unknown name.</summary>
    public static bool TryParseDType(string? name, out ScalarType dtype, out string error)
    {
        error = "";
        switch (name?.Trim().ToLowerInvariant())
        {
            case "float32" or "fp32" or "float":
                dtype = ScalarType.Float32;
                return true;
            case "bfloat16" or "bf16":
                dtype = ScalarType.BFloat16;
                return true;
            case "float16" or "fp16" or "half":
                dtype = ScalarType.Float16;
                return true;
            default:
                dtype = ScalarType.Float32;
                error = $"Unknown dtype '{name}'; use float32, bfloat16 or float16.";
                return false;
        }
    }
}
