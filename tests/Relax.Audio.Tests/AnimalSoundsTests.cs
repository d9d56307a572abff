using System.Diagnostics;
using Xunit.Abstractions;

namespace Relax.Audio.Tests;

/// <summary>
/// Decodes every file of ../shared/data/animal-sounds/{cat,dog,bird} (beside the checkout; never copied into the
/// repository). Each file must give finite examples or a typed exception that names the file.
/// </summary>
public sealed class AnimalSoundsTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_animal_sound_file_yields_finite_examples_or_a_typed_exception_naming_it()
    {
        var root = Fixtures.RepositoryRoot();
        var data = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "animal-sounds"));
        Skip.If(data is null || !Directory.Exists(data),
            $"The shared data folder was not found ({data ?? "no Relax.sln above " + AppContext.BaseDirectory}); it sits beside the checkout as ../shared/data/animal-sounds.");

        var frontEnd = new VGGishFrontEnd();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var animal in new[] { "cat", "dog", "bird" })
        {
            var folder = Path.Combine(data!, animal);
            if (!Directory.Exists(folder))
            {
                output.WriteLine($"{animal}: folder missing");
                continue;
            }
            var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
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
        }
        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }
        output.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
