using Relax.Audio;
using Relax.Synthetic;

namespace Relax.Benchmarks;

/// <summary>The clips the probes explain: generated held-out clips and the first example of the first animal clips
/// of each class in <c>../shared/data/animal-sounds</c> (skipped when absent).</summary>
internal static class ProbeClips
{
    public const string DefaultAnimalFolder = "/work/shared/data/animal-sounds";

    public static List<(string Name, float[,] LogMel)> Load(int syntheticPerClass, int animalsPerClass, string animalFolder = DefaultAnimalFolder)
    {
        var clips = new List<(string Name, float[,] LogMel)>();
        foreach (var clip in SyntheticExamples.Generate(syntheticPerClass, SyntheticAnimalModel.HeldOutFirstSeed + 900))
        {
            clips.Add(($"synthetic-{clip.Label}-{clips.Count}", clip.LogMel));
        }
        var frontEnd = new VGGishFrontEnd();
        foreach (var folder in new[] { "dog", "cat", "bird" })
        {
            var dir = Path.Combine(animalFolder, folder);
            if (!Directory.Exists(dir))
            {
                continue;
            }
            int taken = 0;
            foreach (var file in Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal))
            {
                if (taken == animalsPerClass)
                {
                    break;
                }
                var examples = frontEnd.FromFile(file);
                if (!examples.IsEmpty)
                {
                    clips.Add(($"{folder}/{Path.GetFileName(file)}", examples.ExampleMatrix(0)));
                    taken++;
                }
            }
        }
        return clips;
    }
}
