using Relax.Audio;
using Relax.Synthetic;

namespace Relax.Samples;

/// <summary>One clip of the dog / cat / bird task as VGGish log-mel examples.</summary>
/// <param name="Name">File name, or a description of a generated clip.</param>
/// <param name="Label">The class.</param>
/// <param name="Examples">Its examples, (96 frames, 64 bands) each; at least one.</param>
/// <param name="Evidence">For generated clips, the cells of the first example where the class evidence lies; else null.</param>
/// <param name="TooShort">Whether the clip was shorter than one example (0.975 s) and was padded with silence to make one.</param>
public sealed record AnimalClip(string Name, AnimalClass Label, IReadOnlyList<float[,]> Examples, bool[,]? Evidence, bool TooShort);

/// <summary>Loads the study's recordings or generates stand-ins.</summary>
public static class AnimalClips
{
    /// <summary>Class folders in label order (dog, cat, bird), as in <see cref="AnimalClass"/>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["dog", "cat", "bird"];

    /// <summary>The data folder to use: <paramref name="requested"/> when given (it must exist), else the shared
    /// recordings beside the checkout; null (with the reason written) when the sample should generate clips.</summary>
    public static string? ResolveFolder(SampleSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        if (settings.Synthetic)
        {
            log.WriteLine("   --synthetic: using generated clips (Relax.Synthetic).");
            return null;
        }
        if (settings.Data is { } given)
        {
            return Directory.Exists(given)
                ? Path.GetFullPath(given)
                : throw new DirectoryNotFoundException($"--data {given}: no such folder (expected dog/, cat/ and bird/ inside).");
        }
        var shared = SamplePaths.SharedAnimalSounds();
        if (shared is null)
        {
            log.WriteLine("   NOTE: the study's recordings were not found (../shared/data/animal-sounds beside the checkout, or --data DIR).");
            log.WriteLine("         They are the public Animal-Sound-Dataset (github.com/YashNita/Animal-Sound-Dataset: Kopek = dog, Kedi = cat, Kus = bird).");
            log.WriteLine("         Falling back to GENERATED dog/cat/bird clips (Relax.Synthetic); figures below are about those.");
        }
        return shared;
    }

    /// <summary>The WAV files (.wav or .WAV) of each class folder (dog, cat, bird), each list shuffled with <paramref name="seed"/>
    /// (a fixed order, so that a split taken from the front is fixed too).</summary>
    public static IReadOnlyList<string[]> ListFiles(string folder, int seed)
    {
        var lists = new List<string[]>();
        foreach (var name in ClassNames)
        {
            var dir = Path.Combine(folder, name);
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException($"{folder} has no {name}/ folder; expected dog/, cat/ and bird/ with WAV files.");
            }
            var files = Directory.GetFiles(dir, "*.wav", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive }).Order(StringComparer.Ordinal).ToArray();
            new Random(seed).Shuffle(files);
            lists.Add(files);
        }
        return lists;
    }

    /// <summary>Reads one recording into examples, padding a short or ragged end with silence; null (with the reason
    /// written to <paramref name="log"/>) when the file cannot be read.</summary>
    public static AnimalClip? Read(string path, AnimalClass label, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            var examples = new VGGishFrontEnd(new VGGishFrontEndOptions { PadFinalExample = true }).FromFile(path);
            if (examples.IsEmpty)
            {
                log.WriteLine($"   skipped {Path.GetFileName(path)}: {examples.Message ?? "no example"}");
                return null;
            }
            var list = Enumerable.Range(0, examples.Count).Select(examples.ExampleMatrix).ToList();
            return new AnimalClip(Path.GetFileName(path), label, list, null, examples.DurationSeconds * VGGishLogMel.SampleRate < VGGishFrontEnd.SamplesPerExample);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or ArgumentException)
        {
            log.WriteLine($"   skipped {Path.GetFileName(path)}: {e.Message}");
            return null;
        }
    }

    /// <summary>Generated clips, <paramref name="perClass"/> of each class (interleaved dog, cat, bird), one example
    /// each, with their evidence cells.</summary>
    public static List<AnimalClip> Generate(int perClass, int firstSeed) =>
        SyntheticExamples.Generate(perClass, firstSeed)
            .Select((e, i) => new AnimalClip($"generated {ClassNames[(int)e.Label]} #{firstSeed + i / 3}", e.Label, [e.LogMel], e.Evidence, false))
            .ToList();
}
