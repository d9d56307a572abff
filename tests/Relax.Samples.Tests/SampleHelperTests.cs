namespace Relax.Samples.Tests;

public class SampleHelperTests
{
    [Fact]
    public void Settings_parse_over_a_samples_defaults_and_reject_bad_arguments_with_the_usage()
    {
        var error = new StringWriter();
        var s = SampleSettings.Parse(["--count", "128", "--seed", "7", "--data", "x", "--per-class", "3"], RandomMasksSample.Defaults, error);
        Assert.NotNull(s);
        Assert.Equal((128, 7, "x", 3), (s.Count, s.Seed, s.Data, s.PerClass));
        Assert.Equal(RandomMasksSample.Defaults.Output, s.Output);

        Assert.Null(SampleSettings.Parse(["--count", "0"], RandomMasksSample.Defaults, error));
        Assert.Null(SampleSettings.Parse(["--colour", "red"], RandomMasksSample.Defaults, error));
        Assert.Null(SampleSettings.Parse(["--count"], RandomMasksSample.Defaults, error));
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Unknown argument '--colour'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_repository_root_is_found_from_the_test_output()
    {
        var root = SamplePaths.RepositoryRoot();
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, "Relax.sln")));
    }

    [Fact]
    public void Correlation_helpers_average_maps_and_pairs()
    {
        var a = new float[,] { { 1, 2 }, { 3, 4 } };
        var b = new float[,] { { 3, 4 }, { 5, 6 } };
        Assert.Equal(new float[,] { { 2, 3 }, { 4, 5 } }, MapStatistics.Average([a, b]));
        Assert.Equal(1.0, MapStatistics.MeanCorrelation([(a, b)]), 12);
        Assert.Equal([(0, 1), (0, 2), (1, 2)], MapStatistics.Pairs(3, (_, _) => true));
        Assert.True(double.IsNaN(MapStatistics.MeanCorrelation([(a, new float[2, 2])])));
    }
}
