using Relax.Core.Tests;
using Relax.IO;
using Relax.Masks;
using Relax.Waveform;

namespace Relax.Runs.Tests;

// The corpus runner trims the process-wide native heap (NativeHeap.TrimIfDue); its tests and NativeHeap's must not interleave.
[Collection(NativeHeapTestGroup.Name)]
public sealed class CorpusExplainerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "relax-corpus-" + Guid.NewGuid().ToString("N"));
    private readonly TanhRectangleEmbedder _embedder = new(2, 2, 6, 5);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    private string Folder(string name) => Path.Combine(_root, name);

    /// <summary>Recording k: (k + 1) examples of 12 × 10 noise; recording 3 has none (too short).</summary>
    private static CorpusRecording Recording(int k, string? id = null) => new(id ?? $"class-{k % 2}/rec-{k}", $"class-{k % 2}", $"hash-{k}",
        () => k == 3
            ? CorpusExamples.None("shorter than one example")
            : new CorpusExamples(Enumerable.Range(0, k + 1).Select(e => TestInputs.Noise(12, 10, 100 * k + e)).ToList(), Enumerable.Range(0, k + 1).Select(e => e * 0.96).ToList()));

    private static List<CorpusRecording> Corpus() => Enumerable.Range(0, 5).Select(k => Recording(k)).ToList();

    private static CorpusOptions Options(string folder, int count = 48) => new()
    {
        OutputDirectory = folder,
        Masks = [MaskGenerators.Create("time"), MaskGenerators.Create("random-grid")],
        Relax = new RelaxOptions { MaskCount = count, BatchSize = 16, Seed = 7 },
        Settings = new Dictionary<string, string> { ["model"] = "tanh-rectangle" },
    };

    private static readonly string[] MapFiles = ["saliency.npy", "uncertainty.npy", "mask-weight.npy", "saliency.csv", "uncertainty.csv"];

    private static void AssertSameMaps(string expectedFolder, string actualFolder, string unit)
    {
        foreach (var file in MapFiles)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expectedFolder, unit, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualFolder, unit, file))),
                $"{unit}/{file} differs");
        }
    }

    [Theory]
    [InlineData("nan", "a saliency map holding NaN")]
    [InlineData("shape", "a saliency map of 12 × 9 for a 12 × 10 example")]
    [InlineData("masks", "49 masks used, not 1 to 48")]
    public async Task A_result_that_does_not_fit_its_unit_is_refused_and_not_written(string lie, string expected)
    {
        var folder = Folder("lying-" + lie);
        var options = Options(folder);
        var executor = new LyingExecutor(new LocalUnitExecutor<CorpusWork, RelaxResult>(new CorpusExplainer(_embedder, options).Explain), lie);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new CorpusExplainer(_embedder, options).RunAsync([Recording(0)], executor));
        Assert.Contains("class-0/rec-0/example-000/time: the executor returned " + expected, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "saliency.npy", SearchOption.AllDirectories) : []);
    }

    /// <summary>An executor elsewhere that sends a NaN, a map of the wrong shape or an impossible mask count.</summary>
    private sealed class LyingExecutor(IUnitExecutor<CorpusWork, RelaxResult> honest, string lie) : IUnitExecutor<CorpusWork, RelaxResult>
    {
        public int Window => 1;

        public async Task<RelaxResult> RunAsync(CorpusWork work, IProgress<string>? stages, CancellationToken cancellationToken)
        {
            var r = await honest.RunAsync(work, stages, cancellationToken);
            var saliency = (float[,])r.Saliency.Clone();
            if (lie == "nan")
            {
                saliency[3, 4] = float.NaN;
            }
            if (lie == "shape")
            {
                saliency = new float[12, 9];
            }
            return RelaxResult.Restore(saliency, lie == "shape" ? new float[12, 9] : r.Uncertainty, lie == "shape" ? new float[12, 9] : r.MaskWeight,
                lie == "masks" ? 49 : r.MasksUsed, r.MasksRequested, r.StoppedEarly, r.EstimatedCorrelation, r.Elapsed, r.Normalization, r.MaskGenerator, r.Warnings);
        }
    }

    [Fact]
    public void A_recordings_maps_do_not_depend_on_the_order_or_company_it_ran_in()
    {
        var inOrder = new CorpusExplainer(_embedder, Options(Folder("in-order"))).Run(Corpus());
        var reversed = new CorpusExplainer(_embedder, Options(Folder("reversed"))).Run(Enumerable.Reverse(Corpus()).ToList());
        // Alone, and under another id: the seed comes from the content hash, not the name.
        new CorpusExplainer(_embedder, Options(Folder("alone"))).Run([Recording(2, id: "renamed")]);

        var units = inOrder.Units.Where(u => u.Status == CorpusUnitStatus.Done).ToList();
        Assert.Equal(2 * (1 + 2 + 3 + 5), units.Count);
        foreach (var unit in units)
        {
            AssertSameMaps(Folder("in-order"), Folder("reversed"), unit.Folder);
        }
        foreach (var unit in units.Where(u => u.Recording == "class-0/rec-2"))
        {
            foreach (var file in MapFiles)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("in-order"), unit.Folder, file)),
                    File.ReadAllBytes(Path.Combine(Folder("alone"), CorpusExplainer.UnitFolder("renamed", unit.Example, unit.MaskKind), file)));
            }
        }
        // Different examples and kinds get different masks.
        var maps = units.Select(u => File.ReadAllBytes(Path.Combine(Folder("in-order"), u.Folder, "mask-weight.npy"))).ToList();
        Assert.Equal(maps.Count, maps.Select(Convert.ToBase64String).Distinct().Count());
        Assert.Equal(File.ReadAllText(Path.Combine(Folder("in-order"), "distinctiveness.csv")), File.ReadAllText(Path.Combine(Folder("reversed"), "distinctiveness.csv")));
        Assert.Equal(inOrder.Distinctiveness, reversed.Distinctiveness);
    }

    [Fact]
    public void An_interrupted_run_resumes_to_the_files_of_an_uninterrupted_one()
    {
        new CorpusExplainer(_embedder, Options(Folder("whole"))).Run(Corpus());

        using var cancel = new CancellationTokenSource();
        var stopAfterFive = new Progress(p =>
        {
            if (p.UnitsDone >= 5)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new CorpusExplainer(_embedder, Options(Folder("resumed"))).Run(Corpus(), stopAfterFive, null, cancel.Token));
        int finished = Directory.GetFiles(Folder("resumed"), CorpusExplainer.UnitRecordFile, SearchOption.AllDirectories).Length;
        Assert.InRange(finished, 5, 6);
        Assert.False(File.Exists(Path.Combine(Folder("resumed"), "index.csv")));

        var resumedReports = new List<CorpusProgress>();
        var resumed = new CorpusExplainer(_embedder, Options(Folder("resumed"))).Run(Corpus(), new Progress(resumedReports.Add));
        AssertEveryRecordingFinishedOnce(resumed, resumedReports);
        Assert.Equal(finished, resumed.Reused);
        Assert.Equal(22 - finished, resumed.Explained);

        var whole = Files(Folder("whole"));
        Assert.Equal(whole, Files(Folder("resumed")));
        foreach (var file in whole.Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || (f.EndsWith(".csv", StringComparison.Ordinal) && f != "index.csv")))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(Folder("whole"), file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Folder("resumed"), file))), file);
        }
        // index.csv: the same rows but for the time taken and whether the unit was reused.
        Assert.Equal(IndexWithoutTimes(Folder("whole")), IndexWithoutTimes(Folder("resumed")));

        // A third run reuses everything, and still finishes every recording.
        var againReports = new List<CorpusProgress>();
        var again = new CorpusExplainer(_embedder, Options(Folder("resumed"))).Run(Corpus(), new Progress(againReports.Add));
        Assert.Equal(0, again.Explained);
        Assert.Equal(22, again.Reused);
        AssertEveryRecordingFinishedOnce(again, againReports);
    }

    /// <summary>What any run promises, fresh, resumed or fully reused: every recording of the corpus counts as seen and
    /// gets exactly one finished line, and the last report says all of them are done.</summary>
    private static void AssertEveryRecordingFinishedOnce(CorpusSummary summary, List<CorpusProgress> reports)
    {
        var corpus = Corpus().Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(corpus.Count, summary.Recordings);
        Assert.Equal(corpus, reports.Where(r => r.FinishedRecording is not null).Select(r => r.Recording).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(corpus.Count, reports[^1].RecordingsDone);
        Assert.Equal(corpus.Count, reports[^1].RecordingsTotal);
    }

    private static List<string> Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    private static List<string> IndexWithoutTimes(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "index.csv")).Select(l => l.Split(',')).Select(c => string.Join(',', c.Take(7).Concat(c.Skip(9)))).ToList();

    private sealed class Progress(Action<CorpusProgress> report) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress value) => report(value);
    }

    [Fact]
    public void A_folder_of_other_settings_is_refused_and_names_what_changed()
    {
        new CorpusExplainer(_embedder, Options(Folder("a"))).Run([Recording(0)]);
        var error = Assert.Throws<CorpusSettingsMismatchException>(() => new CorpusExplainer(_embedder, Options(Folder("a"), count: 64)).Run([Recording(0)]));
        Assert.Contains("relax.count was 48, now 64", error.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(Folder("b"));
        File.WriteAllText(Path.Combine(Folder("b"), "notes.txt"), "mine");
        Assert.Contains("holds no corpus.json", Assert.Throws<CorpusSettingsMismatchException>(
            () => new CorpusExplainer(_embedder, Options(Folder("b"))).Run([Recording(0)])).Message, StringComparison.Ordinal);

        // More mask kinds or examples extend a finished folder rather than clash with it.
        var extended = new CorpusExplainer(_embedder, Options(Folder("a")) with { Masks = [MaskGenerators.Create("time"), MaskGenerators.Create("frequency")] }).Run([Recording(0)]);
        Assert.Equal(1, extended.Reused);
        Assert.Equal(1, extended.Explained);
    }

    [Fact]
    public void A_recording_without_examples_is_reported_and_the_corpus_goes_on()
    {
        var summary = new CorpusExplainer(_embedder, Options(Folder("c")) with { ExamplesPerRecording = 1 }).Run(Corpus());
        var skipped = Assert.Single(summary.Units, u => u.Status == CorpusUnitStatus.NoExamples);
        Assert.Equal("class-1/rec-3", skipped.Recording);
        Assert.Equal("shorter than one example", skipped.Problem);
        Assert.Equal(8, summary.Explained);   // 4 recordings × 1 example × 2 kinds
        var index = File.ReadAllLines(Path.Combine(Folder("c"), "index.csv"));
        Assert.Contains(index, l => l.StartsWith("class-1/rec-3,class-1/rec-3,-1,", StringComparison.Ordinal) && l.Contains("no-examples", StringComparison.Ordinal));
        Assert.Equal(1, summary.WithoutExamples);
    }

    [Fact]
    public void Unit_seeds_match_an_independent_sha256_and_change_with_every_part()
    {
        // Python: struct.unpack('<q', hashlib.sha256(b'relax-corpus-v1|1|abc|0|time').digest()[:8])[0]
        Assert.Equal(-9047988280179925847L, CorpusSeeds.ForExample(1, "abc", 0, "time"));
        Assert.Equal(117278824197124551L, CorpusSeeds.ForExample(-7, "0123456789abcdef", 12, "time-frequency"));
        var seeds = new[]
        {
            CorpusSeeds.ForExample(1, "abc", 0, "time"), CorpusSeeds.ForExample(2, "abc", 0, "time"), CorpusSeeds.ForExample(1, "abd", 0, "time"),
            CorpusSeeds.ForExample(1, "abc", 1, "time"), CorpusSeeds.ForExample(1, "abc", 0, "frequency"),
        };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }

    [Fact]
    public void Ids_that_could_leave_the_output_folder_or_collide_are_refused()
    {
        Assert.False(CorpusRecording.IsValidId("../x"));
        Assert.False(CorpusRecording.IsValidId("/abs"));
        Assert.False(CorpusRecording.IsValidId("a//b"));
        Assert.False(CorpusRecording.IsValidId("a b"));
        Assert.True(CorpusRecording.IsValidId("dog/dog_1.x-2"));
        Assert.Throws<ArgumentException>(() => new CorpusExplainer(_embedder, Options(Folder("d"))).Run([Recording(0, "x/../../y")]));
        Assert.Throws<ArgumentException>(() => new CorpusExplainer(_embedder, Options(Folder("e"))).Run([Recording(0, "same"), Recording(1, "SAME")]));
    }

    /// <summary>A waveform recording: silence for its first half, noise for its second (0.5 s at 16 kHz).</summary>
    private static float[] HalfSilentNoise(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 8000).Select(i => i < 4000 ? 0f : (float)(0.3 * (2 * random.NextDouble() - 1))).ToArray();
    }

    private static CorpusOptions WaveformOptions(string folder, MaskReplacement? replacement = null) => new()
    {
        OutputDirectory = folder,
        Masks = [MaskGenerators.Create("time-frequency")],
        Relax = new RelaxOptions { MaskCount = 256, BatchSize = 32, Seed = 11, Replacement = replacement ?? MaskReplacement.Zero },
        Cells = StftCells.ForRate(16_000),
        Settings = new Dictionary<string, string> { ["model"] = "halves" },
    };

    [Fact]
    public void A_waveform_corpus_is_explained_over_each_examples_stft_cells_where_its_sound_is()
    {
        var cells = StftCells.ForRate(16_000);
        var recordings = Enumerable.Range(0, 2).Select(k => HalfSilentNoise(k)).ToList();
        CorpusRecording Wave(int k) => new($"wave-{k}", "noise", $"hash-{k}",
            () => new CorpusExamples([cells.Spectrogram(recordings[k])], [0.0], Waveforms: [recordings[k]]));
        var options = WaveformOptions(Folder("wave"));
        var model = new HalvesWaveformEmbedder();
        var summary = new CorpusExplainer(model, options).Run([Wave(0), Wave(1), new CorpusRecording("no-audio", "noise", "hash-x",
            () => new CorpusExamples([new float[51, 257]], [0.0]))]);

        Assert.Equal(2, summary.Explained);
        Assert.Contains("no audio for its examples", summary.Units.Single(u => u.Recording == "no-audio").Problem, StringComparison.Ordinal);
        for (int k = 0; k < 2; k++)
        {
            var folder = Path.Combine(options.OutputDirectory, $"wave-{k}", "example-000");
            Assert.True(File.Exists(Path.Combine(folder, "spectrogram.npy")));
            Assert.False(File.Exists(Path.Combine(folder, "logmel.npy")));
            var (saliency, shape) = NpyFile.Read(Path.Combine(folder, "time-frequency", "saliency.npy"));
            Assert.Equal(new long[] { 51, 257 }, shape);

            // The unit is WaveformRelax on its own samples with its own seed (nothing of the corpus's order).
            var unit = summary.Units.Single(u => u.Recording == $"wave-{k}");
            Assert.Equal(CorpusSeeds.ForExample(11, $"hash-{k}", 0, "time-frequency"), unit.Seed);
            var alone = WaveformRelax.Explain(model, MaskGenerators.Create("time-frequency"), options.Relax with { Seed = unit.Seed }, new WaveformExample(recordings[k], cells));
            Assert.Equal(alone.Saliency.Cast<float>(), saliency);

            // Behaviour: the model reads the noise, so keeping the second half's cells (frames 26-50) makes a masked copy
            // like the recording; the silent half's cells carry nothing. (Frame 25 straddles the two.)
            // Every sounding frame's mean saliency is above every silent frame's, away from the boundary (frame 25), which
            // a time band of 8 frames can straddle.
            double FrameMean(int t) => Enumerable.Range(0, 257).Average(f => saliency[t * 257 + f]);
            double silent = Enumerable.Range(0, 17).Max(FrameMean), sounding = Enumerable.Range(34, 17).Min(FrameMean);
            Assert.True(sounding > silent, $"lowest frame mean where the noise is {sounding}, highest where it is silent {silent}");
        }
        var stored = RunSettings.ReadJson(File.ReadAllBytes(Path.Combine(options.OutputDirectory, CorpusExplainer.ManifestFile)));
        Assert.Equal(("16000", "400", "160", "512"), (stored?["cells.rate"], stored?["cells.window"], stored?["cells.hop"], stored?["cells.fft"]));

        var again = new CorpusExplainer(model, options).Run([Wave(0), Wave(1)]);
        Assert.Equal(2, again.Reused);
    }

    [Fact]
    public void A_waveform_corpus_with_a_replacement_other_than_silence_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new CorpusExplainer(new HalvesWaveformEmbedder(), WaveformOptions(Folder("mean"), MaskReplacement.Mean)));
        Assert.Contains("masked cells are silenced", e.Message, StringComparison.Ordinal);
    }
}
