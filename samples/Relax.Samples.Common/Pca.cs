using MathNet.Numerics.LinearAlgebra;

namespace Relax.Samples;

/// <summary>Principal component analysis down to two dimensions, for a map of a latent space.</summary>
public static class Pca
{
    /// <summary>Projects the rows of <paramref name="data"/> (n, d) on its first two principal components.</summary>
    /// <returns>The (n, 2) coordinates and the share of the variance each component explains.</returns>
    public static (double[,] Coordinates, double[] ExplainedVariance) TwoComponents(float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.GetLength(0), d = data.GetLength(1);
        if (n < 2 || d < 2)
        {
            throw new ArgumentException($"PCA needs at least 2 rows and 2 columns; got {n} × {d}.", nameof(data));
        }
        var x = Matrix<double>.Build.Dense(n, d, (i, j) => data[i, j]);
        var mean = x.ColumnSums() / n;
        var centred = x - Matrix<double>.Build.Dense(n, d, (_, j) => mean[j]);
        var covariance = centred.TransposeThisAndMultiply(centred) / (n - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric); // eigenvalues ascending
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        double total = values.Sum();
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).Take(2).ToArray();
        var projected = centred * evd.EigenVectors.SubMatrix(0, d, order[0], 1).Append(evd.EigenVectors.SubMatrix(0, d, order[1], 1));
        var explained = order.Select(i => total > 0 ? values[i] / total : 0).ToArray();
        return (projected.ToArray(), explained);
    }
}
