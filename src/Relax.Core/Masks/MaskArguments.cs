using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>Argument checks shared by the mask generators.</summary>
internal static class MaskArguments
{
    public static double Probability(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "The keep probability must lie strictly between 0 and 1.");
        }
        return value;
    }

    public static int Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be at least 1.");
        }
        return value;
    }

    public static void Request(int height, int width, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentNullException.ThrowIfNull(device);
    }

    public static void FitsAxis(string generatorName, string what, int size, string axis, int axisLength)
    {
        if (size > axisLength)
        {
            throw new ArgumentException(
                $"{generatorName}: {what} of {size} is larger than the input's {axis} of {axisLength}; choose at most {axisLength}.");
        }
    }
}
