using System.Globalization;

namespace Relax.Samples;

/// <summary>The settings every research sample understands; each sample uses the ones it needs and sets its own defaults.</summary>
public sealed record SampleSettings
{
    /// <summary>Folder with dog/, cat/ and bird/ WAV clips; null: the samples' default (see each sample).</summary>
    public string? Data { get; init; }

    /// <summary>Official VGGish weights; null: the resolver's environment variable and cache, never a download.</summary>
    public string? Weights { get; init; }

    /// <summary>Where figures and arrays go.</summary>
    public string Output { get; init; } = "relax-output";

    /// <summary>Clips per class (training + test for sample 01).</summary>
    public int PerClass { get; init; } = 4;

    /// <summary>Test clips per class (sample 01).</summary>
    public int Test { get; init; } = 40;

    /// <summary>Masks per RELAX run (N).</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Masks per forward pass.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Training epochs of the compact network (sample 01 without official weights).</summary>
    public int Epochs { get; init; } = 8;

    /// <summary>Most examples per clip used for training (long clips have many).</summary>
    public int ExamplesPerClip { get; init; } = 4;

    /// <summary>Seed of the split, of training and of the first RELAX run (the second uses Seed + 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether --data was forced to generated clips.</summary>
    public bool Synthetic { get; init; }

    /// <summary>The usage line of the options.</summary>
    public const string Usage = "[--data DIR | --synthetic] [--weights FILE] [--out DIR] [--per-class K] [--test T] [--count N] [--batch B] [--epochs E] [--examples-per-clip X] [--seed S]";

    /// <summary>Parses <paramref name="args"/> over <paramref name="defaults"/>; on a bad argument writes the usage to
    /// <paramref name="error"/> and returns null.</summary>
    public static SampleSettings? Parse(string[] args, SampleSettings defaults, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(error);
        var s = defaults;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                int Positive() => int.Parse(Next(), CultureInfo.InvariantCulture) is var v and >= 1 ? v : throw new FormatException($"{args[i - 1]} must be at least 1.");
                s = args[i] switch
                {
                    "--data" => s with { Data = Next() },
                    "--synthetic" => s with { Synthetic = true },
                    "--weights" => s with { Weights = Next() },
                    "--out" => s with { Output = Next() },
                    "--per-class" => s with { PerClass = Positive() },
                    "--test" => s with { Test = Positive() },
                    "--count" => s with { Count = Positive() },
                    "--batch" => s with { Batch = Positive() },
                    "--epochs" => s with { Epochs = Positive() },
                    "--examples-per-clip" => s with { ExamplesPerClip = Positive() },
                    "--seed" => s with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    _ => throw new FormatException($"Unknown argument '{args[i]}'."),
                };
            }
            return s;
        }
        catch (FormatException e)
        {
            error.WriteLine(e.Message);
            error.WriteLine("Usage: " + Usage);
            return null;
        }
    }
}
