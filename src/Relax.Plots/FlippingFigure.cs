using Relax.Evaluation;

namespace Relax.Plots;

/// <summary>Pixel-flipping curves as figures: MoRF, LeRF and random-order curves, labelled with their order and
/// replacement ("MoRF · mean"), on <see cref="CurveFigure"/>.</summary>
public static class FlippingFigure
{
    /// <summary>The legend text of a curve: its order and replacement.</summary>
    public static string Label(FlipCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        string order = curve.Order switch
        {
            FlipOrder.MostRelevantFirst => "MoRF",
            FlipOrder.LeastRelevantFirst => "LeRF",
            _ => "random",
        };
        return $"{order} · {curve.Replacement}";
    }

    /// <summary>One series per curve: similarity (or class probability) against the fraction removed. The order sets
    /// the colour (MoRF blue, LeRF orange, random grey) and the replacement the line pattern (solid, dashed, dotted, in
    /// order of first appearance), so that several replacements stay readable in one figure.</summary>
    /// <param name="curves">The curves.</param>
    /// <param name="probability">Plot the class-probability curves instead of similarity (every curve must have one).</param>
    public static IReadOnlyList<CurveSeries> Series(IEnumerable<FlipCurve> curves, bool probability = false)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var replacements = new List<string>();
        return curves.Select(c =>
        {
            if (!replacements.Contains(c.Replacement))
            {
                replacements.Add(c.Replacement);
            }
            return new CurveSeries(Label(c), c.Fractions,
                probability ? c.ClassProbability ?? throw new ArgumentException($"The curve '{Label(c)}' has no class probabilities.", nameof(curves)) : c.Similarity)
            {
                Color = c.Order switch { FlipOrder.MostRelevantFirst => 0, FlipOrder.LeastRelevantFirst => 1, _ => 7 },
                Dash = (CurveDash)(replacements.IndexOf(c.Replacement) % 3),
            };
        }).ToArray();
    }

    /// <summary>Writes a figure of the curves (PNG, atomically).</summary>
    /// <param name="path">The file.</param>
    /// <param name="curves">The curves (for example MoRF, LeRF and random for each replacement).</param>
    /// <param name="title">The title (for example the explainer and the clip).</param>
    /// <param name="probability">Plot class probability instead of cosine similarity.</param>
    public static void Save(string path, IEnumerable<FlipCurve> curves, string title, bool probability = false) =>
        CurveFigure.Save(path, Series(curves, probability), new CurveStyle
        {
            Title = title,
            XLabel = "Fraction of cells removed",
            YLabel = probability ? "Probability of the predicted class" : "Cosine similarity to the unmasked embedding",
        });
}
