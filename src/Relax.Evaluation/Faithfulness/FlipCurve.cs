namespace Relax.Evaluation;

/// <summary>A pixel-flipping curve: after removing each fraction of cells, how the representation (and, when a
/// classifier is given, its prediction) holds up.</summary>
/// <param name="Order">The removal order.</param>
/// <param name="Replacement">The replacement's name.</param>
/// <param name="Fractions">Fraction of cells removed at each point, from 0 to 1.</param>
/// <param name="Similarity">Cosine similarity to the unmasked embedding at each point.</param>
/// <param name="ClassProbability">Probability of the class predicted for the unmasked input, when a classifier was given.</param>
/// <param name="PredictedClass">The classifier's prediction at each point, when a classifier was given.</param>
public sealed record FlipCurve(FlipOrder Order, string Replacement, double[] Fractions, double[] Similarity,
    double[]? ClassProbability, int[]? PredictedClass)
{
    /// <summary>Area under the similarity curve (trapezoids over the removed fraction).</summary>
    public double SimilarityArea => CurveArea.Trapezoid(Fractions, Similarity);

    /// <summary>Area under the class-probability curve, or NaN without a classifier.</summary>
    public double ProbabilityArea => ClassProbability is null ? double.NaN : CurveArea.Trapezoid(Fractions, ClassProbability);
}

/// <summary>Summary scores of flipping curves.</summary>
public static class CurveArea
{
    /// <summary>Trapezoidal area under y(x).</summary>
    public static double Trapezoid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} points and y {y.Count}.", nameof(y));
        }
        double area = 0;
        for (int i = 1; i < x.Count; i++)
        {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    /// <summary>The MoRF–LeRF gap: area(LeRF) − area(MoRF) of the similarity curves; larger is more faithful.</summary>
    public static double Gap(FlipCurve mostRelevantFirst, FlipCurve leastRelevantFirst)
    {
        ArgumentNullException.ThrowIfNull(mostRelevantFirst);
        ArgumentNullException.ThrowIfNull(leastRelevantFirst);
        return leastRelevantFirst.SimilarityArea - mostRelevantFirst.SimilarityArea;
    }

    /// <summary>Accuracy at each point over a dataset: the share of curves whose prediction equals the true label.</summary>
    public static double[] Accuracy(IReadOnlyList<(FlipCurve Curve, int Label)> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
        {
            throw new ArgumentException("Give at least one curve.", nameof(curves));
        }
        int points = curves[0].Curve.Fractions.Length;
        var correct = new double[points];
        foreach (var (curve, label) in curves)
        {
            var predicted = curve.PredictedClass ?? throw new ArgumentException("Every curve needs predictions; evaluate with a classifier.", nameof(curves));
            if (predicted.Length != points)
            {
                throw new ArgumentException("All curves must have the same points.", nameof(curves));
            }
            for (int k = 0; k < points; k++)
            {
                correct[k] += predicted[k] == label ? 1 : 0;
            }
        }
        return correct.Select(c => c / curves.Count).ToArray();
    }
}
