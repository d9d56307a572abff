using System.Diagnostics;
using Xunit.Abstractions;

namespace Relax.Audio.Tests;

/// <summary>
/// Decodes every file of ../shared/data/animal-sounds/{cat,dog,bird} (beside the checkout; never copied into the
/// repository). All 600 decode today, so every one must still decode to finite examples (a failure names the file), and
/// each class must still yield the example counts measured when the data arrived (files shorter than one example give
/// none: 17 cats, 30 dogs, 2 birds).
/// </summary>
public sealed class AnimalSoundsTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_animal_sound_file_still_decodes_to_finite_examples_and_each_class_gives_its_known_counts()
    {
        var root = Fixtures.RepositoryRoot();
        var data = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "animal-sounds"));
        Skip.If(data is null || !Directory.Exists(data),
            $"The shared data folder was not found ({data ?? "no Relax.sln above " + AppContext.BaseDirectory}); it sits beside the checkout as ../shared/data/animal-sounds.");

        // Per class: files, examples (0.96 s, no padding), files too short for one example.
        var expected = new Dictionary<string, (int Files, long Examples, int Empty)>
        {
            ["cat"] = (200, 1354, 17),
            ["dog"] = (200, 747, 30),
            ["bird"] = (200, 573, 2),
        };
        var frontEnd = new VGGishFrontEnd();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var animal in new[] { "cat", "dog", "bird" })
        {
            var folder = Path.Combine(data!, animal);
            Assert.True(Directory.Exists(folder), $"{folder}: the class folder is missing");
            var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(files);
            var histogram = new SortedDictionary<int, int>();
            int typedFailures = 0, warned = 0;
            long examples = 0;
            foreach (var file in files)
            {
                try
                {
                    var audio = WavReader.Read(file);
                    warned += audio.Warnings.Count > 0 ? 1 : 0;
                    var result = frontEnd.FromAudio(audio, file);
                    Assert.All(result.Values, v => Assert.True(float.IsFinite(v), $"{file}: non-finite log-mel value"));
                    if (result.IsEmpty)
                    {
                        Assert.Contains(file, result.Message, StringComparison.Ordinal); // "… shorter than one VGGish example"
                    }
                    histogram[result.Count] = histogram.GetValueOrDefault(result.Count) + 1;
                    examples += result.Count;
                }
                catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
                {
                    typedFailures++;
                    Assert.Contains(file, ex.Message, StringComparison.Ordinal);
                    failures.Add($"{ex.GetType().Name}: {ex.Message}");
                }
            }
            output.WriteLine($"{animal}: {files.Length} files, {examples} examples, {typedFailures} typed failures, {warned} read with warnings; " +
                             "examples per file → files: " + string.Join(", ", histogram.Select(kv => $"{kv.Key}→{kv.Value}")));
            Assert.True(typedFailures == 0, $"{animal}: files that decoded before no longer do:\n{string.Join("\n", failures)}");
            Assert.Equal(expected[animal], (files.Length, examples, histogram.GetValueOrDefault(0)));
        }
        output.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
