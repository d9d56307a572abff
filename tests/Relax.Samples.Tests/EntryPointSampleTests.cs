using System.Reflection;
using System.Text.Json;
using Relax.IO;

namespace Relax.Samples.Tests;

/// <summary>The samples written as top-level programs, run through their entry points at tiny settings.</summary>
[Collection(nameof(ConsoleCapture))] // they write to Console: not in parallel with each other
public sealed class EntryPointSampleTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-entry-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    private static (int Code, string Output) RunMain(string assembly, params string[] args)
    {
        var entry = Assembly.Load(assembly).EntryPoint ?? throw new InvalidOperationException($"{assembly} has no entry point.");
        var previous = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            var result = entry.Invoke(null, new object[] { args });
            return (result is int code ? code : 0, output.ToString());
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    [Fact]
    public void TrainDefaultModel_trains_evaluates_and_saves_at_tiny_settings()
    {
        var weights = Path.Combine(_folder, "model.safetensors");
        var (code, text) = RunMain("Relax.Samples.TrainDefaultModel", "--per-class", "4", "--epochs", "1", "--out", weights);
        // The exit code says whether the printed held-out accuracy reached the 95 % target (after one epoch on 12 clips
        // it usually does not): 0 exactly when it did, 1 otherwise.
        var match = System.Text.RegularExpressions.Regex.Match(text, @"Held-out accuracy: ([0-9.]+) ?% on (\d+) clips");
        Assert.True(match.Success, text);
        double accuracy = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(accuracy >= 95 ? 0 : 1, code);
        Assert.Contains("shipped default model", text, StringComparison.Ordinal);
        Assert.True(new FileInfo(weights).Length > 1_000_000);
    }

    [Fact]
    public void Synthetic_quick_start_finds_the_models_focus_and_writes_its_files()
    {
        var (code, text) = RunMain("Relax.Samples.Synthetic", "--count", "256", "--out", _folder);
        Assert.Equal(0, code);
        Assert.Contains("Saliency peaks", text, StringComparison.Ordinal);
        Assert.Equal(new long[] { 96, 64 }, NpyFile.Read(Path.Combine(_folder, "saliency.npy")).Shape);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("massShareNearFocus").GetDouble() > summary.RootElement.GetProperty("areaShareNearFocus").GetDouble());
    }
}

[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;
