using Relax.IO;
using SkiaSharp;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary><c>relax latent</c> on a generated corpus with one bird clip filed under dog/: the maps and tables are
/// written, and the misfiled clip is the outlier, resembling bird.</summary>
public class LatentCommandTests
{
    [Fact]
    public void A_misfiled_clip_is_listed_as_an_outlier_that_resembles_its_true_class()
    {
        InTempFolder("latent", root =>
        {
            var corpus = Path.Combine(root, "corpus");
            foreach (var kind in new[] { "dog", "cat", "bird" })
            {
                Directory.CreateDirectory(Path.Combine(corpus, kind));
                for (int seed = 1; seed <= 4; seed++)
                {
                    Assert.Equal(0, Run("synth", kind, "--seconds", "2", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(corpus, kind, $"{kind}{seed}.wav")).Code);
                }
            }
            Assert.Equal(0, Run("synth", "bird", "--seconds", "2", "--seed", "9", "-o", Path.Combine(corpus, "dog", "not-a-dog.wav")).Code);

            var output = Path.Combine(root, "out");
            // No --perplexity: scikit-learn's 30 needs more than 90 recordings, so 13 get (13 − 1) / 3 = 4, said in one line.
            var (code, stdout, error) = Run("latent", corpus, "--neighbours", "3", "-o", output);
            Assert.True(code == 0, error);
            Assert.Contains("t-SNE perplexity 4: scikit-learn's default 30 needs more than 90 recordings", stdout, StringComparison.Ordinal);
            Assert.Contains("13 recording(s), 3 label(s)", stdout, StringComparison.Ordinal);
            Assert.Equal(new long[] { 13, NpyFile.Read(Path.Combine(output, "embeddings.npy")).Shape[1] }, NpyFile.Read(Path.Combine(output, "embeddings.npy")).Shape);
            Assert.Equal(14, File.ReadAllLines(Path.Combine(output, "labels.csv")).Length);
            foreach (var map in new[] { "pca", "tsne" })
            {
                Assert.Equal(14, File.ReadAllLines(Path.Combine(output, $"{map}.csv")).Length);
                using var png = SKBitmap.Decode(Path.Combine(output, $"{map}.png"));
                Assert.NotNull(png);
            }
            var outliers = File.ReadAllLines(Path.Combine(output, "outliers.csv")).Skip(1).ToList();
            Assert.Contains(outliers, l => l.StartsWith("dog/not-a-dog,dog,bird,", StringComparison.Ordinal));
            Assert.Contains("relax explain ", stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_explicit_perplexity_too_large_for_the_corpus_is_still_refused()
    {
        InTempFolder("latent", root =>
        {
            var corpus = Path.Combine(root, "corpus");
            foreach (var (kind, seed) in new[] { ("dog", 1), ("cat", 2), ("bird", 3), ("bird", 4) })
            {
                Assert.Equal(0, Run("synth", kind, "--seconds", "1", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(corpus, kind, $"{kind}{seed}.wav")).Code);
            }
            var (code, _, error) = Run("latent", corpus, "--perplexity", "30", "--neighbours", "2", "-o", Path.Combine(root, "out"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Equal("relax: error: --perplexity 30 must be below the number of recordings (4).", error.Trim());
        });
    }

    [Fact]
    public void A_corpus_too_small_for_a_map_is_refused_with_one_line()
    {
        InTempFolder("latent", folder =>
        {
            var (code, _, error) = Run("latent", Clip, Clip, "-o", folder);   // one recording, named twice
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Equal("relax: error: 1 recording(s) with an example: a map needs at least 3.", error.Trim());
            Assert.Empty(Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder) : []);
        });
    }
}
