using Relax.Audio;
using Relax.Core.Tests;

namespace Relax.Evaluation.Tests;

/// <summary>
/// Audio-domain faithfulness with a model whose evidence is known: it reads only a block of cells (frames 30–69, bands
/// 20–49) of white noise's log-mel spectrogram. A map that names the block must beat random cells of the same area on
/// both scores; the map that names everything but the block must lose to them; random cells are seeded by the item's
/// identity, not by call order.
/// </summary>
public sealed class AudioFaithfulnessTests
{
    private static readonly RectangleEmbedder Block = new(30, 20, 40, 30);

    private static float[] Noise(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, VGGishFrontEnd.SamplesPerExample).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    private static float[,] Map(bool inside)
    {
        var map = new float[96, 64];
        for (int t = 0; t < 96; t++)
        {
            for (int b = 0; b < 64; b++)
            {
                map[t, b] = Block.Contains(t, b) == inside ? 1f : 0f;
            }
        }
        return map;
    }

    [Fact]
    public void A_map_that_names_what_the_model_reads_beats_random_cells_and_its_complement_loses()
    {
        var scorer = new AudioFaithfulness(Block);
        var scores = scorer.Score(Noise(1), [Map(inside: true), Map(inside: false)], "noise-1");
        // The block is 1 200 cells, the evidence 20 % of 6 144 = 1 229: it holds the whole block.
        Assert.True(scores.WithoutEvidence[0] < scores.WithoutRandom - 0.5, $"without the block {scores.WithoutEvidence[0]:F3}, without random cells {scores.WithoutRandom:F3}");
        Assert.True(scores.EvidenceOnly[0] > scores.RandomOnly + 0.5, $"only the block {scores.EvidenceOnly[0]:F3}, only random cells {scores.RandomOnly:F3}");
        Assert.True(scores.EvidenceOnly[0] > 0.9);
        Assert.True(scores.WithoutEvidence[1] > scores.WithoutRandom, $"without the complement {scores.WithoutEvidence[1]:F3}, without random cells {scores.WithoutRandom:F3}");
        Assert.True(scores.EvidenceOnly[1] < scores.RandomOnly, $"only the complement {scores.EvidenceOnly[1]:F3}, only random cells {scores.RandomOnly:F3}");
    }

    [Fact]
    public void Random_cells_follow_the_items_identity_not_the_call_order()
    {
        var scorer = new AudioFaithfulness(Block, new AudioFaithfulnessOptions { RandomDraws = 2, Seed = 5 });
        var audio = Noise(2);
        var first = scorer.Score(audio, [Map(true)], "clip-a");
        var other = scorer.Score(audio, [Map(true)], "clip-b");
        var again = scorer.Score(audio, [Map(false), Map(true)], "clip-a");
        Assert.Equal(first.WithoutRandom, again.WithoutRandom);
        Assert.Equal(first.RandomOnly, again.RandomOnly);
        Assert.Equal(first.WithoutEvidence[0], again.WithoutEvidence[1]);
        Assert.NotEqual(first.RandomOnly, other.RandomOnly);
    }

    [Fact]
    public void Inputs_that_are_not_one_example_are_refused()
    {
        var scorer = new AudioFaithfulness(Block);
        Assert.Throws<ArgumentException>(() => scorer.Score(new float[1000], [Map(true)], "x"));
        Assert.Throws<ArgumentException>(() => scorer.Score(Noise(3), [new float[10, 10]], "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioFaithfulnessOptions { EvidenceFraction = 1 });
    }
}
