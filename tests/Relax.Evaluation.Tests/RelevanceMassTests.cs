namespace Relax.Evaluation.Tests;

public class RelevanceMassTests
{
    [Fact]
    public void Counts_positive_mass_above_the_median_inside_the_region()
    {
        // Values 0..8 on a 3×3 grid, median 4; masses above it: 1, 2, 3, 4 at values 5, 6, 7, 8.
        var map = new float[,] { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 } };
        var region = new bool[3, 3];
        region[2, 2] = true; // value 8: mass 4 of 10
        region[0, 0] = true; // value 0: no mass
        var score = RelevanceMass.Score(map, region);
        Assert.Equal(0.4, score.MassInside, 12);
        Assert.Equal(2.0 / 9, score.AreaInside, 12);
        Assert.Equal(0.4 / (2.0 / 9), score.Gain, 12);
    }

    [Fact]
    public void A_flat_map_scores_its_area_share_and_bad_input_is_rejected()
    {
        var region = new bool[2, 2];
        region[0, 1] = true;
        Assert.Equal(0.25, RelevanceMass.Score(new float[2, 2] { { 1, 1 }, { 1, 1 } }, region).MassInside);
        Assert.Throws<ArgumentException>(() => RelevanceMass.Score(new float[2, 3], region));
        Assert.Throws<ArgumentException>(() => RelevanceMass.Score(new float[2, 2], new bool[2, 2]));
        Assert.Throws<ArgumentException>(() => RelevanceMass.Score(new float[2, 2] { { float.NaN, 1 }, { 1, 1 } }, region));
    }
}
