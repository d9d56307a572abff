using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Relax.Audio;
using Relax.Core.Tests;

namespace Relax.Evaluation.Tests;

/// <summary>The random baseline of the audio-domain scores: its cells follow the documented key (reproduced here from
/// the documentation, not from the code), and each draw of an item is a different random set, so averaging draws
/// averages something.</summary>
public class AudioRandomCellsTests
{
    private static float[,] Documented(long seed, string identity, int draw)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"relax-audio-random-v1|{seed}|{identity}|{draw}"));
        var random = new Random(BinaryPrimitives.ReadInt32LittleEndian(key));
        var map = new float[LogMelExamples.FramesPerExample, LogMelExamples.MelBands];
        for (int t = 0; t < map.GetLength(0); t++)
        {
            for (int b = 0; b < map.GetLength(1); b++)
            {
                map[t, b] = (float)random.NextDouble();
            }
        }
        return map;
    }

    [Fact]
    public void The_random_cells_of_an_item_and_draw_follow_the_documented_key()
    {
        var scorer = new AudioFaithfulness(new RectangleEmbedder(0, 0, 4, 4), new AudioFaithfulnessOptions { Seed = 17, RandomDraws = 3 });
        foreach (var (identity, draw) in new[] { ("clip-a", 0), ("clip-a", 2), ("dog/rec-7-e001", 1) })
        {
            Assert.Equal(Documented(17, identity, draw), scorer.RandomMap(identity, draw));
        }
    }

    [Fact]
    public void Each_draw_of_an_item_removes_a_different_set_of_cells()
    {
        var scorer = new AudioFaithfulness(new RectangleEmbedder(0, 0, 4, 4), new AudioFaithfulnessOptions { Seed = 3, RandomDraws = 3 });
        var sets = Enumerable.Range(0, 3).Select(d => EvidenceAudio.TopCells(scorer.RandomMap("clip", d), 0.2).Cast<bool>().ToArray()).ToList();
        for (int a = 0; a < sets.Count; a++)
        {
            for (int b = a + 1; b < sets.Count; b++)
            {
                int shared = sets[a].Zip(sets[b]).Count(p => p.First && p.Second);
                int size = sets[a].Count(x => x);
                // Two independent random 20 % subsets share about 20 % of their cells; the same set would share all.
                Assert.True(shared < size / 2, $"draws {a} and {b} share {shared} of {size} cells");
            }
        }
        Assert.NotEqual(scorer.RandomMap("clip", 0), scorer.RandomMap("other clip", 0));
    }
}
