using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>Checks and normalises one explained input to a float32 (1, 1, H, W) tensor on a device.</summary>
internal static class InputShape
{
    public static Tensor Prepare(Tensor input, Device device, out int height, out int width)
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
        height = checked((int)shape[^2]);
        width = checked((int)shape[^1]);
        var x = input.detach().to(ScalarType.Float32, device).reshape(1, 1, height, width);
        if (!isfinite(x).all().item<bool>())
        {
            x.Dispose();
            throw new ArgumentException("The input contains NaN or infinite values.", nameof(input));
        }
        return x;
    }
}
