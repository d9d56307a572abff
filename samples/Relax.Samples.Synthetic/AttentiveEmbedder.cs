using static TorchSharp.torch;

namespace Relax.Samples.Synthetic;

/// <summary>
/// A small, fully known "representation model" for the sample: it pools the input into 4 × 4 tiles, weights the
/// tiles with a Gaussian attention window centred on one time-frequency point, and returns the weighted tile
/// energies. Only what lies under the window can move its embedding, so RELAX should light up there.
/// </summary>
internal sealed class AttentiveEmbedder : IEmbedder
{
    private readonly Tensor _attention; // (1, H/4 · W/4)

    public AttentiveEmbedder(int height, int width, double centreRow, double centreColumn, double radius)
    {
        int rows = height / 4, columns = width / 4;
        var weights = new float[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double dy = (i * 4 + 1.5 - centreRow) / radius, dx = (j * 4 + 1.5 - centreColumn) / radius;
                weights[i * columns + j] = (float)Math.Exp(-0.5 * (dy * dy + dx * dx));
            }
        }
        _attention = tensor(weights).unsqueeze(0);
    }

    public Device Device => CPU;

    public Tensor Embed(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var tiles = nn.functional.avg_pool2d(inputs, 4).flatten(1); // (B, tiles)
        return (tiles * _attention).MoveToOuterDisposeScope();
    }
}
