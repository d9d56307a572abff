using TorchSharp;
using static TorchSharp.torch;

namespace Relax;

/// <summary>Copies between two-dimensional managed arrays and tensors.</summary>
public static class TensorArrays
{
    /// <summary>Copies a 2-D tensor (any float dtype, any device) into a new float32 array.</summary>
    public static float[,] ToArray2D(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 2)
        {
            throw new ArgumentException($"Expected a 2-D tensor; got shape ({string.Join(", ", tensor.shape)}).", nameof(tensor));
        }
        using var cpu = tensor.detach().to(ScalarType.Float32, CPU).contiguous();
        var result = new float[tensor.shape[0], tensor.shape[1]];
        var span = cpu.data<float>();
        int k = 0;
        for (int i = 0; i < result.GetLength(0); i++)
        {
            for (int j = 0; j < result.GetLength(1); j++)
            {
                result[i, j] = span[k++];
            }
        }
        return result;
    }

    /// <summary>Creates a float32 tensor (H, W) on <paramref name="device"/> from a managed array.</summary>
    public static Tensor FromArray2D(float[,] values, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, values.Length * sizeof(float));
        using var cpu = tensor(flat, new long[] { values.GetLength(0), values.GetLength(1) });
        return device is null || device.type == DeviceType.CPU ? cpu.clone() : cpu.to(device);
    }
}
