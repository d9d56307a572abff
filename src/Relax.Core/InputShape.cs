using static TorchSharp.torch;

namespace Relax;

/// <summary>Checks one explained input and normalises it to a float32 (1, 1, H, W) tensor on a device.</summary>
internal static class InputShape
{
    /// <summary>The input's (H, W); throws a clear <see cref="ArgumentException"/> for any other shape than
    /// (H, W), (1, H, W) or (1, 1, H, W), or a non-numeric dtype.</summary>
    public static (int Height, int Width) Dimensions(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.shape;
        bool ok = shape.Length switch
        {
            2 => true,
            3 => shape[0] == 1,
            4 => shape[0] == 1 && shape[1] == 1,
            _ => false,
        };
        if (!ok || shape[^1] < 1 || shape[^2] < 1)
        {
            throw new ArgumentException($"Expected one input of shape (H, W), (1, H, W) or (1, 1, H, W); got ({string.Join(", ", shape)}).", nameof(input));
        }
        if (input.dtype == ScalarType.Bool || input.is_complex())
        {
            throw new ArgumentException($"The input must be real-valued; got {input.dtype}.", nameof(input));
        }
        return (checked((int)shape[^2]), checked((int)shape[^1]));
    }

    /// <summary>The input as float32 (1, 1, H, W) on <paramref name="device"/>, checked to be finite.</summary>
    public static Tensor Prepare(Tensor input, Device device, out int height, out int width)
    {
        (height, width) = Dimensions(input);
        return Prepare(input, height, width, device);
    }

    /// <summary>The input, whose shape <see cref="Dimensions"/> has already checked to be (H, W) =
    /// (<paramref name="height"/>, <paramref name="width"/>), as float32 (1, 1, H, W) on <paramref name="device"/>,
    /// checked to be finite.</summary>
    public static Tensor Prepare(Tensor input, int height, int width, Device device) => Prepare(input, height, width, device, ScalarType.Float32);

    /// <summary>As <see cref="Prepare(Tensor, int, int, Device)"/>, in <paramref name="dtype"/>.</summary>
    public static Tensor Prepare(Tensor input, int height, int width, Device device, ScalarType dtype)
    {
        var x = input.detach().to(dtype, device).reshape(1, 1, height, width);
        if (!isfinite(x).all().item<bool>())
        {
            x.Dispose();
            throw new ArgumentException("The input contains NaN or infinite values; explanations need finite inputs.", nameof(input));
        }
        return x;
    }
}
