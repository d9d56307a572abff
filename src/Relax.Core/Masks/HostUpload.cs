using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>
/// Moves values drawn on the host to the masks' device without making the host wait for the device: on CUDA the
/// values go through pinned memory with a non-blocking copy, queued behind the work already queued (libtorch's
/// caching host allocator keeps the pinned block until the copy is done); elsewhere they become a tensor in place.
/// </summary>
internal static class HostUpload
{
    public static Tensor ToDevice(byte[] values, long[] shape, Device device) => Move(tensor(values, shape, ScalarType.Byte), device);

    public static Tensor ToDevice(long[] values, long[] shape, Device device) => Move(tensor(values, shape, ScalarType.Int64), device);

    public static Tensor ToDevice(float[] values, long[] shape, Device device) => Move(tensor(values, shape, ScalarType.Float32), device);

    private static Tensor Move(Tensor host, Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return host;
        }
        using (host)
        {
            if (device.type != DeviceType.CUDA)
            {
                return host.to(device);
            }
            using var pinned = host.pin_memory();
            return pinned.to(device, non_blocking: true);
        }
    }
}
