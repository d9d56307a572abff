using System.Text.Json;
using Relax.Masks;

namespace Relax.Runs.Tests;

/// <summary>The settings record's canonical forms: the manifest is byte for byte what folders have held so far (a
/// sorted dictionary written by System.Text.Json, the independent reference), the line is <c>name=value;…</c> with
/// escapes, differences name each setting, and the RELAX settings come back as the options they describe.</summary>
public sealed class RunSettingsTests
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>corpus.json of a folder written by relax before the settings record existed (the README job).</summary>
    private const string OldManifest = """
        {
          "dtype": "Float32",
          "front-end.hop-frames": "96",
          "front-end.pad": "false",
          "keep": "0.5",
          "model": "Relax default model (compact VGGish 16-32-64-64-128-128, trained on synthetic dog/cat/bird sounds; not Google\u0027s VGGish), weights sha256 d5a06462852b",
          "relax.convergence": "none",
          "relax.count": "2000",
          "relax.masks": "philox4x64-v1",
          "relax.normalization": "MaskWeight",
          "relax.replacement": "mean",
          "relax.seed": "1",
          "relax.similarity": "cosine"
        }
        """;

    private static CorpusOptions ReadmeJob() => new()
    {
        OutputDirectory = "unused",
        Masks = [MaskGenerators.Create("time-frequency")],
        Relax = new RelaxOptions { MaskCount = 2000, Seed = 1 },
        Settings = new Dictionary<string, string>
        {
            ["model"] = "Relax default model (compact VGGish 16-32-64-64-128-128, trained on synthetic dog/cat/bird sounds; not Google's VGGish), weights sha256 d5a06462852b",
            ["dtype"] = "Float32",
            ["keep"] = "0.5",
            ["front-end.pad"] = "false",
            ["front-end.hop-frames"] = "96",
        },
    };

    private static byte[] Json(RunSettings settings)
    {
        using var stream = new MemoryStream();
        settings.WriteJson(stream);
        return stream.ToArray();
    }

    [Fact]
    public void The_manifest_is_the_one_folders_already_hold_and_reads_back_the_same()
    {
        var settings = ReadmeJob().Fingerprint();
        Assert.Equal(OldManifest.ReplaceLineEndings("\n"), System.Text.Encoding.UTF8.GetString(Json(settings)).ReplaceLineEndings("\n"));
        var reference = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(settings.ToDictionary().ToDictionary(), StringComparer.Ordinal),
            IndentedJson);
        Assert.Equal(reference, Json(settings));
        var read = RunSettings.ReadJson(System.Text.Encoding.UTF8.GetBytes(OldManifest));
        Assert.Equal(settings, read);
        Assert.Empty(settings.Differences(read!));
        Assert.Equal(1, read!.Version);
    }

    [Fact]
    public void The_line_joins_name_value_pairs_as_folders_have_been_stamped()
    {
        // The stamp of a clip of relax evaluate on the default model, as written before the settings record existed.
        var settings = new RunSettings([new("model", "Relax default model (…; not Google's VGGish)"), new("N", "64"), new("ig", "4")]);
        Assert.Equal("model=Relax default model (…; not Google's VGGish);N=64;ig=4", settings.ToLine());
        Assert.Equal("", RunSettings.Empty.ToLine());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("a;b")]
    [InlineData("tab\t")]
    public void A_malformed_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new RunSettings([new(name, "v")]));

    [Fact]
    public void A_repeated_name_is_refused_and_unreadable_json_is_null()
    {
        Assert.Throws<ArgumentException>(() => new RunSettings([new("a", "1"), new("a", "2")]));
        Assert.Throws<ArgumentException>(() => new RunSettings([new("relax.count", "1")]).Then(RelaxSettings.Describe(new RelaxOptions())));
        Assert.Null(RunSettings.ReadJson("[1, 2]"u8));
        Assert.Null(RunSettings.ReadJson("{\"a\": 1}"u8));
        Assert.Null(RunSettings.ReadJson("not json"u8));
    }

    [Fact]
    public void Differences_name_each_setting_and_a_version_written_by_another_build()
    {
        var stored = new RunSettings([new("relax.count", "500"), new("model", "m")]);
        var current = new RunSettings([new("relax.count", "1000"), new("dtype", "Float32"), new("model", "m")]);
        Assert.Equal(["dtype was unset, now Float32", "relax.count was 500, now 1000"], current.Differences(stored));
        var newer = new RunSettings([new("relax.count", "1000"), new("dtype", "Float32"), new("model", "m"), new(RunSettings.VersionName, "2")]);
        var changes = current.Differences(newer);
        Assert.Equal("the folder's settings are of version 2, this relax writes version 1", changes[0]);
        Assert.Contains("settings.version was 2, now unset", changes);
    }

    public static TheoryData<RelaxOptions> Relax() => new()
    {
        new RelaxOptions(),
        new RelaxOptions { MaskCount = 37, Seed = -5, Replacement = MaskReplacement.Zero, Normalization = SaliencyNormalization.MaskCount },
        new RelaxOptions { Replacement = MaskReplacement.Min, Convergence = new ConvergenceOptions { TargetCorrelation = 0.95 } },
        new RelaxOptions { Convergence = new ConvergenceOptions { TargetCorrelation = 0.9, CheckEvery = 64, MinMasks = 128 } },
    };

    [Theory]
    [MemberData(nameof(Relax))]
    public void The_relax_settings_come_back_as_the_options_they_describe(RelaxOptions relax)
    {
        var rebuilt = RelaxSettings.Rebuild(RelaxSettings.Describe(relax), batchSize: 7);
        Assert.Equal(relax with { BatchSize = 7 }, rebuilt);
        var unseeded = RelaxSettings.Rebuild(RelaxSettings.Describe(relax, withSeed: false), batchSize: relax.BatchSize);
        Assert.Equal(relax with { Seed = 0 }, unseeded);
    }

    [Fact]
    public void The_convergence_schedule_is_recorded_only_when_it_is_not_the_default()
    {
        var defaults = RelaxSettings.Describe(new RelaxOptions { Convergence = new ConvergenceOptions() });
        Assert.Null(defaults[RelaxSettings.ConvergenceCheckEvery]);
        var other = RelaxSettings.Describe(new RelaxOptions { Convergence = new ConvergenceOptions { CheckEvery = 64 } });
        Assert.Equal("64", other[RelaxSettings.ConvergenceCheckEvery]);
        Assert.NotEmpty(other.Differences(defaults));
    }

    [Theory]
    [InlineData(RelaxSettings.MaskStream, "philox4x64-v0", "drawn another way")]
    [InlineData(RelaxSettings.Similarity, "euclidean", "only cosine")]
    [InlineData(RelaxSettings.Count, "many", "malformed")]
    [InlineData(RelaxSettings.Normalization, "7", "not one of")]
    [InlineData(RelaxSettings.Replacement, "blur", "Unknown replacement")]
    [InlineData("relax.temperature", "1", "not a RELAX setting")]
    public void Settings_this_build_cannot_rebuild_are_refused_with_their_name(string name, string value, string expected)
    {
        var described = RelaxSettings.Describe(new RelaxOptions());
        var changed = new RunSettings(described.Names.Select((n, i) => KeyValuePair.Create(n, n == name ? value : described.Values[i]))
            .Concat(described[name] is null ? [KeyValuePair.Create(name, value)] : []));
        var e = Assert.Throws<ArgumentException>(() => RelaxSettings.Rebuild(changed, 8));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
