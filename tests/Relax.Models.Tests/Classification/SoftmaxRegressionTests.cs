using Relax.Classification;

namespace Relax.Models.Tests.Classification;

public class SoftmaxRegressionTests
{
    private static (float[,] X, int[] Y) Blobs(int perClass, int seed, double spread)
    {
        var random = new Random(seed);
        var centres = new[] { new[] { 0.0, 0, 0 }, new[] { 3.0, 0, 1 }, new[] { 0.0, 3, -1 } };
        var x = new float[perClass * 3, 3];
        var y = new int[perClass * 3];
        for (int i = 0; i < perClass * 3; i++)
        {
            y[i] = i % 3;
            for (int j = 0; j < 3; j++)
            {
                x[i, j] = (float)(centres[y[i]][j] + spread * (random.NextDouble() - 0.5) * 2 + 100); // offset: standardisation matters
            }
        }
        return (x, y);
    }

    [Fact]
    public void Reaches_a_stationary_point_of_the_regularised_loss_and_classifies_separable_data()
    {
        var (x, y) = Blobs(40, 1, 1.0);
        var model = SoftmaxRegression.Fit(x, y, 3, new SoftmaxRegressionOptions { L2 = 0.05 });
        var gradient = model.ObjectiveGradient(x, y, 0.05);
        Assert.All(gradient.Cast<double>(), g => Assert.InRange(Math.Abs(g), 0, 1e-6));
        var (test, testLabels) = Blobs(30, 2, 1.0);
        Assert.Equal(testLabels, model.Predict(test));

        var p = model.PredictProbabilities(test);
        for (int i = 0; i < p.GetLength(0); i++)
        {
            Assert.Equal(1.0, p[i, 0] + p[i, 1] + p[i, 2], 12);
        }
    }

    [Fact]
    public void Rejects_inconsistent_input()
    {
        var (x, y) = Blobs(5, 1, 1.0);
        Assert.Throws<ArgumentException>(() => SoftmaxRegression.Fit(x, y[..^1], 3));
        Assert.Throws<ArgumentException>(() => SoftmaxRegression.Fit(x, y.Select(v => v + 1).ToArray(), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxRegression.Fit(x, y, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxRegressionOptions { L2 = -1 });
        var model = SoftmaxRegression.Fit(x, y, 3);
        Assert.Throws<ArgumentException>(() => model.Predict(new float[2, 5]));
    }
}
