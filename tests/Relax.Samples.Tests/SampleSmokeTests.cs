using Relax.IO;
using SkiaSharp;

namespace Relax.Samples.Tests;

/// <summary>Each sample end to end at tiny settings, in-process.</summary>
public sealed class SampleSmokeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-samples-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    private static void AssertPngs(string folder, int atLeast)
    {
        var pngs = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories);
        Assert.True(pngs.Length >= atLeast, $"{pngs.Length} figures in {folder}; expected at least {atLeast}");
        foreach (var png in pngs)
        {
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap is { Width: >= 600, Height: >= 400 }, $"{png} does not decode as a figure");
        }
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void EmbedAndClassify_on_generated_clips_trains_the_compact_network_and_writes_the_latent_map()
    {
        var output = new StringWriter();
        var settings = EmbedAndClassifySample.Defaults with { Synthetic = true, PerClass = 5, Test = 2, Epochs = 1, ExamplesPerClip = 1, Output = _folder };
        Assert.Equal(0, EmbedAndClassifySample.Run(settings, output));
        var text = output.ToString();
        Assert.Contains("GENERATED", text, StringComparison.Ordinal);
        Assert.Contains("TRAINING split only", text, StringComparison.Ordinal);
        Assert.Contains("test accuracy", text, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", text, StringComparison.Ordinal);
        Assert.Equal(new long[] { 9, 128 }, NpyFile.Read(Path.Combine(_folder, "train-embeddings.npy")).Shape);
        Assert.Equal(new long[] { 6, 128 }, NpyFile.Read(Path.Combine(_folder, "test-embeddings.npy")).Shape);
        AssertPngs(_folder, 1);
    }

    [SkippableFact]
    public void EmbedAndClassify_reads_the_study_recordings_when_present()
    {
        var shared = SamplePaths.SharedAnimalSounds();
        Skip.If(shared is null, "../shared/data/animal-sounds is absent");
        var output = new StringWriter();
        var settings = EmbedAndClassifySample.Defaults with { Data = shared, PerClass = 3, Test = 1, Epochs = 1, ExamplesPerClip = 1, Output = _folder };
        Assert.Equal(0, EmbedAndClassifySample.Run(settings, output));
        Assert.Contains("recordings from", output.ToString(), StringComparison.Ordinal);
        AssertPngs(_folder, 1);
    }

    [Fact]
    public void RandomMasks_reports_reproducibility_distinctiveness_and_a_finding()
    {
        var output = new StringWriter();
        Assert.Equal(0, RandomMasksSample.Run(RandomMasksSample.Defaults with { PerClass = 1, Count = 64, Batch = 32, Output = _folder }, output));
        var text = output.ToString();
        Assert.Contains("two runs, same clip", text, StringComparison.Ordinal);
        Assert.Contains("1/N estimator", text, StringComparison.Ordinal);
        Assert.Contains("mask-weight estimator", text, StringComparison.Ordinal);
        Assert.Contains("random map", text, StringComparison.Ordinal);
        AssertPngs(_folder, 3 * 5 + 3 * 2); // per class: log-mel, 2 × (saliency, uncertainty); 2 class averages
    }

    [SkippableFact]
    public void RandomMasks_explains_recordings_when_given_and_skips_localisation()
    {
        var shared = SamplePaths.SharedAnimalSounds();
        Skip.If(shared is null, "../shared/data/animal-sounds is absent");
        var output = new StringWriter();
        Assert.Equal(0, RandomMasksSample.Run(RandomMasksSample.Defaults with { Data = shared, PerClass = 1, Count = 32, Batch = 32, Output = _folder }, output));
        var text = output.ToString();
        Assert.Contains("3 recordings from", text, StringComparison.Ordinal);
        Assert.Contains("skipped: recordings have no known evidence regions", text, StringComparison.Ordinal);
        AssertPngs(_folder, 3 * 5 + 3 * 2);
    }

    [Fact]
    public void StructuredMasks_reports_localisation_per_mask_kind_against_a_random_map()
    {
        var output = new StringWriter();
        Assert.Equal(0, StructuredMasksSample.Run(StructuredMasksSample.Defaults with { PerClass = 1, Count = 32, Batch = 32, Output = _folder }, output));
        var text = output.ToString();
        foreach (var kind in StructuredMasksSample.MaskKinds)
        {
            Assert.Contains($"     {kind} ", text, StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(_folder, kind)), kind);
        }
        Assert.Contains("random map", text, StringComparison.Ordinal);
        AssertPngs(_folder, 3 * (3 * 5 + 3 * 2));
    }
}
