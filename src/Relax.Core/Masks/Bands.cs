using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>Random binary bands along one axis, with a random phase so that band edges vary between masks.</summary>
internal static class Bands
{
    /// <summary>Returns (count, length) keep flags: the axis is cut into bands of <paramref name="bandWidth"/>
    /// cells starting at a random offset in [0, bandWidth), and each band is kept with <paramref name="keepProbability"/>.</summary>
    public static Tensor Draw(int count, int length, int bandWidth, double keepProbability, Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        long bands = (length + bandWidth - 1) / bandWidth + 1; // enough for any offset
        var keep = (rand(new long[] { count, bands }, generator: generator, device: device) < keepProbability).to(ScalarType.Float32);
        var offset = randint(0, bandWidth, new long[] { count, 1 }, generator: generator, device: device);
        var band = (arange(length, device: device).unsqueeze(0) + offset).div(bandWidth, rounding_mode: RoundingMode.floor);
        return keep.gather(1, band).MoveToOuterDisposeScope();
    }
}
