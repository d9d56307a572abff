using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Relax.Cluster;
using Relax.Models.VGGish;
using TorchSharp;

namespace Relax.Cli;

/// <summary>
/// The options several commands share, and the checks of option values, as System.CommandLine validators and parsers:
/// a bad value is a usage error (exit code 1) reported as one line that names the option and the accepted values,
/// before any work starts.
/// </summary>
internal static class CliOptions
{
    /// <summary><c>--device</c>: cpu, cuda, cuda:N or auto.</summary>
    public static Option<torch.Device> Device() => new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto (CUDA when available).",
        HelpName = "cpu|cuda|cuda:N|auto",
        DefaultValueFactory = _ => torch.CPU,
        CustomParser = result => VGGishEmbedderOptions.TryParseDevice(result.Tokens[0].Value, out var device, out var problem)
            ? device
            : Reject<torch.Device>(result, $"--device: {problem}"),
    };

    /// <summary><c>--dtype</c>: float32, bfloat16, float16 or auto (bfloat16 where the CPU computes it natively,
    /// <see cref="CpuFeatures.HasNativeBFloat16"/>; else float32); absent, float32 (read it with <see cref="DTypeOf"/>).
    /// Nullable so that help shows the accepted names in lower case, not TorchSharp's enum members.</summary>
    public static Option<torch.ScalarType?> DType() => new("--dtype")
    {
        Description = "float32 (default), bfloat16, float16 or auto (bfloat16 where the CPU computes it natively: AVX-512 BF16 or AMX; else float32).",
        HelpName = "float32|bfloat16|float16|auto",
        CustomParser = result => result.Tokens[0].Value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? (CpuFeatures.HasNativeBFloat16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32)
            : VGGishEmbedderOptions.TryParseDType(result.Tokens[0].Value, out var dtype, out var problem)
                ? dtype
                : Reject<torch.ScalarType?>(result, $"--dtype: {problem.Replace("bfloat16 or float16", "bfloat16, float16 or auto", StringComparison.Ordinal)}"),
    };

    /// <summary>The dtype <c>--dtype</c> names, float32 when absent.</summary>
    public static torch.ScalarType DTypeOf(ParseResult parse, Option<torch.ScalarType?> option) => parse.GetValue(option) ?? torch.ScalarType.Float32;

    /// <summary><c>--pad</c>: pad a final partial example, and a clip shorter than one example, with silence.</summary>
    public static Option<bool> Pad() => new("--pad")
    {
        Description = "Pad a final partial example (and a clip shorter than 0.96 s) with silence; off by default, as in VGGish.",
    };

    /// <summary><c>--hop</c>: seconds between the starts of examples, 0.01 to 0.96 (whole 10 ms frames).</summary>
    public static Option<double> Hop() => new("--hop")
    {
        Description = "Seconds between the starts of consecutive examples, 0.01 to 0.96 (default 0.96: no overlap; for a model whose card cuts its own examples, the card's hop).",
        DefaultValueFactory = _ => 0.96,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double hop) && hop >= 0.01 && hop <= 0.96
                && Math.Abs(hop * 100 - Math.Round(hop * 100)) <= 1e-6
                ? hop
                : Reject<double>(result, $"--hop {text}: use 0.01 to 0.96 seconds in whole 10 ms frames, e.g. 0.48.");
        },
    };

    /// <summary>The front end's settings from <c>--pad</c> and <c>--hop</c>.</summary>
    public static Relax.Audio.VGGishFrontEndOptions FrontEnd(bool pad, double hopSeconds) =>
        new() { PadFinalExample = pad, ExampleHopFrames = (int)Math.Round(hopSeconds * 100) };

    /// <summary><c>--count</c>: masks per input (N), at least 1.</summary>
    public static Option<int> MaskCount(string description, int defaultValue) =>
        new Option<int>("--count", "-n") { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(1, MaxMasks, what: "RELAX needs");

    /// <summary>The most masks <c>--count</c> takes: ten million (hours of work per example even on a GPU).</summary>
    public const int MaxMasks = 10_000_000;

    /// <summary><c>--batch</c>: inputs per forward pass, at least 1; absent, the device's default
    /// (<see cref="RelaxOptions.DefaultBatchSize"/>, through <see cref="BatchFor"/>).</summary>
    public static Option<int?> Batch(string description) =>
        new Option<int?>("--batch") { Description = $"{description} Default: 64 on a CPU, 512 on a GPU. Changes speed only, not results." }
            .InRange(1, MaxBatch, what: "the batch size must be");

    /// <summary>The largest <c>--batch</c> parsed (2^20); what fits in memory is checked against the model after.</summary>
    public const int MaxBatch = 1 << 20;

    /// <summary>The batch size given, or the device's default.</summary>
    public static int BatchFor(int? batch, torch.Device device) => batch ?? RelaxOptions.DefaultBatchSize(device);

    /// <summary><c>--seed</c>: the seed of masks (and random orders).</summary>
    public static Option<long> Seed(string description) =>
        new Option<long>("--seed") { Description = description, DefaultValueFactory = _ => 1 }.InRange(long.MinValue, long.MaxValue, what: "the seed must be");

    /// <summary><c>--cluster HOST:PORT</c>: spread the work over a cluster's workers.</summary>
    public static Option<string?> Cluster(string what) => new("--cluster")
    {
        Description = $"Spread the {what} over the `relax worker`s of a cluster whose membership is in Redis at HOST:PORT; this process reads the audio and writes the output folder as without it. The cluster's secret, if it has one, comes from ${ClusterAccess.SecretVariable} (or a file named by ${ClusterAccess.SecretFileVariable}).",
    };

    /// <summary><c>--advertise IP</c>: the address a cluster client is reached at.</summary>
    public static Option<string?> Advertise() => new("--advertise")
    {
        Description = "With --cluster: the IP address workers reach this process at (it hosts the run's queue); default as relax worker's.",
    };

    /// <summary><c>--window N</c>: units a cluster client keeps in flight.</summary>
    public static Option<int> Window(string units, int defaultValue) =>
        new Option<int>("--window") { Description = $"With --cluster: {units} in flight at most (held in memory).", DefaultValueFactory = _ => defaultValue }.InRange(1, 100_000);

    /// <summary><c>--weights</c>: Google's VGGish weights.</summary>
    public static Option<string?> Weights(string description) => new("--weights", "-w") { Description = description };

    /// <summary>An option whose value must be one of <paramref name="names"/>.</summary>
    public static Option<string> OneOf(string name, string description, IReadOnlyList<string> names, string defaultValue)
    {
        var option = new Option<string>(name) { Description = $"{description} One of: {string.Join(", ", names)}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!names.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{name} {value}: unknown; use one of: {string.Join(", ", names)}.");
            }
        });
        return option;
    }

    /// <summary>An option whose value is a comma-separated list, each item one of <paramref name="names"/>; the list
    /// comes back without duplicates, in the order given.</summary>
    public static Option<string[]> ListOf(string name, string description, IReadOnlyList<string> names, string? defaultValue)
    {
        var option = new Option<string[]>(name)
        {
            Description = $"{description} Comma-separated: {string.Join(", ", names)}.",
            CustomParser = result => Items(result.Tokens.Count > 0 ? result.Tokens[0].Value : ""),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => Items(defaultValue);
        }
        option.Validators.Add(result =>
        {
            var items = result.GetValueOrDefault<string[]>() ?? [];
            var unknown = items.FirstOrDefault(n => !names.Contains(n, StringComparer.Ordinal));
            if (items.Length == 0 || unknown is not null)
            {
                result.AddError($"{name}: {(unknown is null ? "give at least one" : $"unknown '{unknown}'")}; use one or more of: {string.Join(", ", names)}.");
            }
        });
        return option;

        static string[] Items(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
    }

    /// <summary>A size <c>FRAMESxBANDS</c> within a VGGish example (1–96 frames, 1–64 bands).</summary>
    public static Option<(int Frames, int Bands)> Size(string name, string description, (int Frames, int Bands) defaultValue) => new(name)
    {
        Description = $"{description}, FRAMESxBANDS.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            var parts = text.Split('x');
            return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int f) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int b)
                && f is >= 1 and <= 96 && b is >= 1 and <= 64
                ? (f, b)
                : Reject<(int, int)>(result, $"{name} {text}: use FRAMESxBANDS with 1–96 frames and 1–64 bands, e.g. 12x8.");
        },
    };

    /// <summary>Parses the option's value as a <typeparamref name="T"/> of at least <paramref name="minimum"/> (and at
    /// most <paramref name="maximum"/>): anything else — a word, <c>1e308</c>, <c>NaN</c>, a number past the type's
    /// range — is one usage line that names the option, the value and the range, before any work.</summary>
    public static Option<T> InRange<T>(this Option<T> option, T minimum, T? maximum = null, string? what = null)
        where T : struct, IComparable<T>, IParsable<T>
    {
        option.CustomParser = result => ParseInRange(result, option.Name, minimum, maximum, what);
        return option;
    }

    /// <summary>Like <see cref="InRange{T}(Option{T}, T, T?, string?)"/> for an optional value (absent stays null).</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, T minimum, T? maximum = null, string? what = null)
        where T : struct, IComparable<T>, IParsable<T>
    {
        option.CustomParser = result => ParseInRange(result, option.Name, minimum, maximum, what);
        return option;
    }

    private static T ParseInRange<T>(ArgumentResult result, string name, T minimum, T? maximum, string? what)
        where T : struct, IComparable<T>, IParsable<T>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (T.TryParse(text, CultureInfo.InvariantCulture, out var value) && value.CompareTo(minimum) >= 0 && (maximum is not { } max || value.CompareTo(max) <= 0))
        {
            return value;
        }
        var range = maximum is { } m ? $"between {Format(minimum)} and {Format(m)}" : $"at least {Format(minimum)}";
        var kind = typeof(T) == typeof(double) ? "" : " (a whole number)";
        return Reject<T>(result, $"{name} {text}: {what ?? "must be"} {range}{kind}.");
    }

    /// <summary>Parses the option's value as a number in the open interval (<paramref name="low"/>,
    /// <paramref name="high"/>), or (low, high] with <paramref name="includeHigh"/>; anything else (a word, NaN, ∞, out
    /// of range) is one usage line.</summary>
    public static Option<double> Between(this Option<double> option, double low, double high, bool includeHigh = false)
    {
        option.CustomParser = result => ParseBetween(result, option.Name, low, high, includeHigh);
        return option;
    }

    /// <summary>Like <see cref="Between(Option{double}, double, double, bool)"/> for an optional value.</summary>
    public static Option<double?> Between(this Option<double?> option, double low, double high)
    {
        option.CustomParser = result => ParseBetween(result, option.Name, low, high, includeHigh: false);
        return option;
    }

    private static double ParseBetween(ArgumentResult result, string name, double low, double high, bool includeHigh)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > low && (includeHigh ? value <= high : value < high))
        {
            return value;
        }
        return Reject<double>(result, includeHigh
            ? $"{name} {text}: must lie in ({Format(low)}, {Format(high)}]."
            : $"{name} {text}: must lie strictly between {Format(low)} and {Format(high)}.");
    }

    private static string Format<T>(T value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static T Reject<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
