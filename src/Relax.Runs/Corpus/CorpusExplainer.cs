using System.Diagnostics;
using System.Globalization;
using Relax.Hosting;
using Relax.IO;
using Relax.Waveform;

namespace Relax.Runs;

/// <summary>Writes extra files of a freshly explained unit (figures, for example) into its folder before the unit is
/// marked finished, so that a unit counted as done always has them.</summary>
/// <param name="unit">The unit.</param>
/// <param name="input">The example that was explained.</param>
/// <param name="waveform">The example's audio when the recording gave it (<see cref="CorpusExamples.Waveforms"/>), else null.</param>
/// <param name="result">Its RELAX result.</param>
/// <param name="folder">The unit's folder (its example's folder is the parent).</param>
public delegate void CorpusArtifactWriter(CorpusUnit unit, float[,] input, float[]? waveform, RelaxResult result, string folder);

/// <summary>
/// Explains a corpus with RELAX: every example of every recording (or the first few) with every mask kind, streamed
/// one recording at a time, resumable and order-independent; then averages per class and mask kind and measures how
/// distinct the classes' maps are. The runner behind <c>relax explain</c>; hosts (the CLI, a worker) add figures.
/// </summary>
/// <remarks>
/// <para>Layout: <c>&lt;recording&gt;/example-NNN/logmel.npy</c> (a waveform model's: <c>spectrogram.npy</c>, see
/// <see cref="CorpusOptions.Cells"/>), and per mask kind
/// <c>&lt;recording&gt;/example-NNN/&lt;kind&gt;/</c> with the <see cref="RelaxResult.Save"/> files and
/// <c>summary.json</c> (the unit's <see cref="CorpusUnit"/>, written atomically and last: a unit whose record is
/// present and matches the settings is finished and reused). At the top: <c>corpus.json</c> (the settings, written
/// first; a run into a folder holding other settings is refused), <c>index.csv</c>, <c>summary.json</c>,
/// <c>distinctiveness.csv</c> and <c>class-maps/&lt;kind&gt;/&lt;label&gt;-*.npy</c>, rewritten at the end of every run.</para>
/// <para>Seeds: each unit's masks come from <see cref="CorpusSeeds.ForExample"/> (corpus seed, content hash, example,
/// kind), never from the order of the work, so its maps are bit-identical alone, in a corpus, after a resume or in
/// another order, on the same device and dtype.</para>
/// </remarks>
public sealed class CorpusExplainer
{
    /// <summary>A unit's record file.</summary>
    public const string UnitRecordFile = "summary.json";

    /// <summary>The settings file at the top of the output folder.</summary>
    public const string ManifestFile = "corpus.json";

    private static readonly string[] MapFiles = ["saliency.npy", "uncertainty.npy", "mask-weight.npy"];
    private readonly IEmbedder _embedder;
    private readonly ResultStore<CorpusUnit> _store;
    private readonly RunSettings _fingerprint;

    /// <summary>Creates the runner.</summary>
    /// <param name="embedder">The model.</param>
    /// <param name="options">Output folder, mask kinds, RELAX settings and the host's settings.</param>
    /// <exception cref="ArgumentException">A host setting named like a RELAX one, or with a malformed name; STFT cells
    /// (<see cref="CorpusOptions.Cells"/>) with a replacement other than zero.</exception>
    public CorpusExplainer(IEmbedder embedder, CorpusOptions options)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Cells is not null && options.Relax.Replacement != MaskReplacement.Zero)
        {
            throw new ArgumentException($"A waveform model's masked cells are silenced: give the replacement {MaskReplacement.Zero.Name}, not {options.Relax.Replacement.Name}.", nameof(options));
        }
        _fingerprint = options.Fingerprint();
        FingerprintLine = _fingerprint.ToLine();
        _store = new ResultStore<CorpusUnit>(options.OutputDirectory, UnitRecordFile, camelCase: true);
    }

    /// <summary>The settings.</summary>
    public CorpusOptions Options { get; }

    /// <summary>The settings fingerprint as one line, stored in every unit's record.</summary>
    public string FingerprintLine { get; }

    /// <summary>A unit's folder relative to the output: <c>&lt;recording&gt;/example-NNN/&lt;kind&gt;</c>.</summary>
    public static string UnitFolder(string recording, int example, string maskKind) =>
        example < 0 ? recording : string.Create(CultureInfo.InvariantCulture, $"{recording}/example-{example:D3}/{maskKind}");

    /// <summary>An example's folder relative to the output: <c>&lt;recording&gt;/example-NNN</c>.</summary>
    public static string ExampleFolder(string recording, int example) =>
        string.Create(CultureInfo.InvariantCulture, $"{recording}/example-{example:D3}");

    /// <summary>Checks the output folder against the settings without starting: null when a run may go ahead (an empty
    /// or missing folder, or one holding the same settings), else why not.</summary>
    public string? CheckOutputFolder()
    {
        var folder = Options.OutputDirectory;
        if (!Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any(e => !OutputFolderLock.IsLockFile(e)))
        {
            return null;
        }
        var manifest = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifest))
        {
            return $"{folder} is not empty and holds no {ManifestFile}: it is not a folder of relax explain; give an empty or new folder.";
        }
        if (RunSettings.ReadJson(File.ReadAllBytes(manifest)) is not { } stored)
        {
            return $"{manifest} is unreadable; give an empty or new folder.";
        }
        var changes = _fingerprint.Differences(stored);
        return changes.Count == 0 ? null
            : $"{folder} holds results computed with other settings ({string.Join("; ", changes)}). Rerun with the same settings to resume, or give another folder.";
    }

    /// <summary>Explains every recording in this process (reusing finished units), then writes the index, class maps
    /// and distinctiveness.</summary>
    /// <param name="recordings">The corpus, streamed; ids must be unique (case-insensitively).</param>
    /// <param name="progress">Reports after every unit and recording.</param>
    /// <param name="writeArtifacts">Writes extra files of a freshly explained unit before it is marked finished.</param>
    /// <param name="cancellationToken">Checked between batches; finished units stay on disk, so a rerun resumes.</param>
    /// <exception cref="CorpusSettingsMismatchException">The output folder holds results of other settings.</exception>
    public CorpusSummary Run(IEnumerable<CorpusRecording> recordings, IProgress<CorpusProgress>? progress = null,
        CorpusArtifactWriter? writeArtifacts = null, CancellationToken cancellationToken = default) =>
        RunAsync(recordings, new LocalUnitExecutor<CorpusWork, RelaxResult>(Explain), progress, writeArtifacts, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Explains every recording with <paramref name="executor"/> (in this process, or on a cluster), keeping
    /// at most <see cref="IUnitExecutor{TWork, TResult}.Window"/> units in flight, and writes each result as it arrives; then the
    /// index, class maps and distinctiveness. Results do not depend on the executor or the order units finish in:
    /// every unit's seed comes from its identity, and class maps are summed in corpus order from the files.</summary>
    /// <param name="recordings">The corpus, streamed; ids must be unique (case-insensitively). Only the recordings of
    /// units in flight are held in memory.</param>
    /// <param name="executor">Explains units (a <see cref="LocalUnitExecutor{TWork, TResult}"/> of <see cref="Explain"/>, or a cluster's).</param>
    /// <param name="progress">Reports after every unit and recording.</param>
    /// <param name="writeArtifacts">Writes extra files of a freshly explained unit before it is marked finished.</param>
    /// <param name="cancellationToken">Stops the run; finished units stay on disk, so a rerun resumes.</param>
    /// <exception cref="CorpusSettingsMismatchException">The output folder holds results of other settings.</exception>
    public async Task<CorpusSummary> RunAsync(IEnumerable<CorpusRecording> recordings, IUnitExecutor<CorpusWork, RelaxResult> executor, IProgress<CorpusProgress>? progress = null,
        CorpusArtifactWriter? writeArtifacts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(executor);
        // One run per folder at a time: a second relax explain on the same folder is refused, naming the first.
        using var folderLock = OutputFolderLock.Take(Options.OutputDirectory);
        if (CheckOutputFolder() is { } refusal)
        {
            throw new CorpusSettingsMismatchException(refusal);
        }
        AtomicFile.Write(Path.Combine(Options.OutputDirectory, ManifestFile), _fingerprint.WriteJson);

        int? total = recordings switch
        {
            IReadOnlyCollection<CorpusRecording> c => c.Count,
            ICollection<CorpusRecording> c => c.Count,
            _ => null,
        };
        var clock = Stopwatch.StartNew();
        var units = new List<CorpusUnit?>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var inFlight = new List<InFlightUnit>();
        int recordingsDone = 0, reused = 0, unitsDone = 0;
        long masksComputed = 0;
        double computeSeconds = 0;
        int window = Math.Max(1, executor.Window);
        foreach (var recording in recordings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(recording, nameof(recordings));
            if (!CorpusRecording.IsValidId(recording.Id))
            {
                throw new ArgumentException($"Recording id '{recording.Id}' is not usable as a folder: letters, digits, '.', '-', '_' and '/' only, no empty or '..' segment.", nameof(recordings));
            }
            if (!ids.Add(recording.Id))
            {
                throw new ArgumentException($"Two recordings have the id '{recording.Id}' (ids must be unique, case-insensitively: they name folders).", nameof(recordings));
            }
            sources[recording.Id] = recording.Source ?? recording.Id;
            var examples = recording.Load();
            var indices = ExampleIndices(examples, out var problem);
            var state = new RecordingState(recording, examples, units.Count);
            if (problem is not null)
            {
                units.Add(new CorpusUnit(recording.Id, recording.Label, -1, 0, "", CorpusUnitStatus.NoExamples, 0, 0, 0, false, null, 0, FingerprintLine, problem));
            }
            foreach (int k in indices)
            {
                foreach (var masks in Options.Masks)
                {
                    int slot = units.Count;
                    units.Add(null);
                    state.Count++;
                    if (TryReuse(recording, k, masks) is { } existing)
                    {
                        units[slot] = existing;
                        reused++;
                        unitsDone++;
                        state.Finished++;
                        progress?.Report(Progress(recording.Id, null));
                        continue;
                    }
                    // The example's audio is taken now, in order, with its input: a recording read a window at a time (a long one)
                    // need not go back for it when the unit finishes.
                    var waveform = examples.Waveforms is { } waves && k < waves.Count ? waves[k] : null;
                    var work = new CorpusWork(UnitFolder(recording.Id, k, masks.Name), examples.Inputs[k], masks.Name,
                        CorpusSeeds.ForExample(Options.Relax.Seed, recording.ContentHash, k, masks.Name),
                        Options.Cells is { } cells ? new WaveformExample(waveform!, cells) : null);
                    inFlight.Add(new InFlightUnit(slot, state, k, work, waveform, executor.RunAsync(work, null, cancellationToken)));
                    while (inFlight.Count >= window)
                    {
                        await FinishOneAsync().ConfigureAwait(false);
                    }
                }
            }
            state.Loaded = true;
            if (state.Finished == state.Count)
            {
                FinishRecording(state);
            }
        }
        while (inFlight.Count > 0)
        {
            await FinishOneAsync().ConfigureAwait(false);
        }

        var all = units.Select(u => u!).ToList();
        var statistics = new ClassMapStatistics(all.Where(u => u.Status is CorpusUnitStatus.Done or CorpusUnitStatus.Reused)
            .Select(u => new ClassMapEntry(u.Label ?? CorpusReport.Unlabelled, u.MaskKind, $"{u.Recording}\u0000{u.Example:D6}", () => LoadMaps(u))), cancellationToken);
        var summary = new CorpusSummary(all, statistics.ClassMaps(), statistics.Distinctiveness(), _fingerprint.ToDictionary(),
            Options.Masks.Select(m => m.Name).ToArray(), recordingsDone, clock.Elapsed, masksComputed / Math.Max(1e-9, computeSeconds));
        CorpusReport.Write(summary, Options.OutputDirectory, sources, Path.GetFileNameWithoutExtension(Options.InputFile));
        return summary;

        async Task FinishOneAsync()
        {
            var finished = await Task.WhenAny(inFlight.Select(u => u.Result)).ConfigureAwait(false);
            int index = inFlight.FindIndex(u => u.Result == finished);
            var done = inFlight[index];
            inFlight.RemoveAt(index);
            var result = await finished.ConfigureAwait(false);
            if (ResultProblem(done.Work, result, Options.Relax.MaskCount) is { } problem)
            {
                // An executor elsewhere (a cluster worker) is not trusted to send what the unit asked for.
                throw new InvalidDataException($"{done.Work.UnitId}: the executor returned {problem}; nothing of this unit was written.");
            }
            var unit = Save(done, result, writeArtifacts);
            units[done.Slot] = unit;
            unitsDone++;
            masksComputed += unit.MasksUsed;
            computeSeconds += unit.Seconds;
            done.Recording.Finished++;
            progress?.Report(Progress(done.Recording.Recording.Id, null));
            if (done.Recording.Loaded && done.Recording.Finished == done.Recording.Count)
            {
                FinishRecording(done.Recording);
            }
        }

        void FinishRecording(RecordingState state)
        {
            recordingsDone++;
            int count = state.Count + (state.Count == 0 ? 1 : 0); // a recording without examples has its one row
            progress?.Report(Progress(state.Recording.Id, FinishedLine(state.Recording, units.GetRange(state.FirstSlot, count).Select(u => u!).ToList())));
        }

        CorpusProgress Progress(string current, string? finished)
        {
            TimeSpan? remaining = total is { } t && recordingsDone > 0 ? clock.Elapsed * ((double)(t - recordingsDone) / recordingsDone) : null;
            return new CorpusProgress(recordingsDone, total, unitsDone, reused, current, masksComputed / Math.Max(1e-9, computeSeconds), clock.Elapsed, remaining, finished);
        }
    }

    /// <summary>Explains one unit in this process with this corpus's model and settings
    /// (<see cref="ExplainUnit"/> with the unit's mask generator): the unit computation of a
    /// <see cref="LocalUnitExecutor{TWork, TResult}"/>.</summary>
    /// <param name="work">The unit; its mask kind must be one of <see cref="CorpusOptions.Masks"/>.</param>
    /// <param name="stages">Not used: a unit is one stage.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <exception cref="ArgumentException">The corpus has no masks of the unit's kind.</exception>
    public RelaxResult Explain(CorpusWork work, IProgress<string>? stages = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var masks = Options.Masks.FirstOrDefault(m => m.Name == work.MaskKind)
            ?? throw new ArgumentException($"The corpus has no {work.MaskKind} masks.", nameof(work));
        return ExplainUnit(_embedder, masks, Options.Relax, work, cancellationToken);
    }

    /// <summary>Explains one unit in this process: RELAX with the unit's mask kind and seed, on the unit's input, or for
    /// a waveform model (<see cref="CorpusWork.Waveform"/>) over its STFT cells (<see cref="WaveformRelax.Explain(IEmbedder, IMaskGenerator, RelaxOptions, WaveformExample, IProgress{RelaxProgress}?, CancellationToken)"/>). Every executor (this
    /// process's, a cluster worker's) calls this, so a unit's maps are the same wherever it runs.</summary>
    /// <param name="embedder">The model.</param>
    /// <param name="masks">The unit's mask generator (named <see cref="CorpusWork.MaskKind"/>).</param>
    /// <param name="relax">The corpus's RELAX settings; the unit's seed replaces theirs.</param>
    /// <param name="work">The unit.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public static RelaxResult ExplainUnit(IEmbedder embedder, IMaskGenerator masks, RelaxOptions relax, CorpusWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(relax);
        ArgumentNullException.ThrowIfNull(work);
        if (masks.Name != work.MaskKind)
        {
            throw new ArgumentException($"The unit asks for {work.MaskKind} masks; the generator makes {masks.Name}.", nameof(masks));
        }
        RelaxResult result;
        if (work.Waveform is { } waveform)
        {
            waveform.RequireShapeOf(work.Input, $"Unit {work.UnitId}");
            result = WaveformRelax.Explain(embedder, masks, relax with { Seed = work.Seed }, waveform, null, cancellationToken);
        }
        else
        {
            result = new RelaxExplainer(embedder, masks, relax with { Seed = work.Seed }).Explain(work.Input, null, cancellationToken);
        }
        NativeHeap.TrimIfDue(); // host policy: a long run returns freed native memory now and then
        return result;
    }

    private CorpusUnit? TryReuse(CorpusRecording recording, int k, IMaskGenerator masks)
    {
        long seed = CorpusSeeds.ForExample(Options.Relax.Seed, recording.ContentHash, k, masks.Name);
        var fingerprint = FingerprintLine;
        var existing = _store.TryLoad(UnitFolder(recording.Id, k, masks.Name), u => u.Fingerprint == fingerprint && u.Recording == recording.Id && u.Example == k
            && u.MaskKind == masks.Name && u.Seed == seed && u.Status == CorpusUnitStatus.Done && MapFilesExist(u));
        return existing is null ? null : existing with { Status = CorpusUnitStatus.Reused, Label = recording.Label };
    }

    /// <summary>Writes a unit's files, its record last (atomically).</summary>
    private CorpusUnit Save(InFlightUnit done, RelaxResult result, CorpusArtifactWriter? writeArtifacts)
    {
        var (recording, examples, k, work) = (done.Recording.Recording, done.Recording.Examples, done.Example, done.Work);
        var folder = _store.Folder(work.UnitId);
        result.Save(folder);
        NpyFile.Write(Path.Combine(Options.OutputDirectory, ExampleFolder(recording.Id, k), Options.InputFile), work.Input);
        var unit = new CorpusUnit(recording.Id, recording.Label, k, examples.StartSeconds[k], work.MaskKind, CorpusUnitStatus.Done, work.Seed,
            result.MasksRequested, result.MasksUsed, result.StoppedEarly, double.IsNaN(result.EstimatedCorrelation) ? null : result.EstimatedCorrelation,
            result.Elapsed.TotalSeconds, FingerprintLine);
        writeArtifacts?.Invoke(unit, work.Input, done.Waveform, result, folder);
        _store.Save(work.UnitId, unit);
        return unit;
    }

    /// <summary>A recording whose units are being explained: how many it has and how many are finished.</summary>
    private sealed class RecordingState(CorpusRecording recording, CorpusExamples examples, int firstSlot)
    {
        public CorpusRecording Recording { get; } = recording;
        public CorpusExamples Examples { get; } = examples;
        public int FirstSlot { get; } = firstSlot;
        public int Count { get; set; }
        public int Finished { get; set; }
        public bool Loaded { get; set; }
    }

    /// <summary>What is wrong with an executor's result for a unit: maps of another shape than the example, a NaN or
    /// infinite value, or a mask count outside 1..N; null when nothing is.</summary>
    internal static string? ResultProblem(CorpusWork work, RelaxResult result, int maskCount)
    {
        int h = work.Input.GetLength(0), w = work.Input.GetLength(1);
        foreach (var (name, map) in new[] { ("saliency", result.Saliency), ("uncertainty", result.Uncertainty), ("mask weight", result.MaskWeight) })
        {
            if (map.GetLength(0) != h || map.GetLength(1) != w)
            {
                return $"a {name} map of {map.GetLength(0)} × {map.GetLength(1)} for a {h} × {w} example";
            }
            foreach (var v in map)
            {
                if (!float.IsFinite(v))
                {
                    return $"a {name} map holding {v}";
                }
            }
        }
        return result.MasksUsed < 1 || result.MasksUsed > maskCount ? $"{result.MasksUsed} masks used, not 1 to {maskCount}" : null;
    }

    private sealed record InFlightUnit(int Slot, RecordingState Recording, int Example, CorpusWork Work, float[]? Waveform, Task<RelaxResult> Result);

    private IEnumerable<int> ExampleIndices(CorpusExamples examples, out string? problem)
    {
        problem = examples.Problem;
        int count = examples.Inputs.Count;
        if (problem is null && count == 0)
        {
            problem = "no example";
        }
        if (problem is null && Options.Cells is not null && (examples.Waveforms is null || examples.Waveforms.Count != count))
        {
            problem = "no audio for its examples (a waveform model is explained over the cells of each example's audio)";
        }
        if (problem is not null)
        {
            return [];
        }
        if (Options.OnlyExample is { } only)
        {
            if (only >= count)
            {
                problem = $"no example {only} (the recording has {count}, numbered 0 to {count - 1})";
                return [];
            }
            return [only];
        }
        return Enumerable.Range(0, Math.Min(count, Options.ExamplesPerRecording ?? int.MaxValue));
    }

    private bool MapFilesExist(CorpusUnit unit) =>
        MapFiles.All(f => File.Exists(Path.Combine(_store.Folder(unit.Folder), f)))
        && File.Exists(Path.Combine(Options.OutputDirectory, ExampleFolder(unit.Recording, unit.Example), Options.InputFile));

    private ExampleMaps LoadMaps(CorpusUnit unit)
    {
        var folder = _store.Folder(unit.Folder);
        return new ExampleMaps(Read(Path.Combine(Options.OutputDirectory, ExampleFolder(unit.Recording, unit.Example), Options.InputFile)),
            Read(Path.Combine(folder, "saliency.npy")), Read(Path.Combine(folder, "uncertainty.npy")), Read(Path.Combine(folder, "mask-weight.npy")),
            unit.MasksUsed, Options.Relax.Normalization);

        static float[,] Read(string path)
        {
            var (data, shape) = NpyFile.Read(path);
            if (shape.Length != 2)
            {
                throw new InvalidDataException($"{path}: expected a 2-D map, found shape ({string.Join(", ", shape)}).");
            }
            var map = new float[shape[0], shape[1]];
            Buffer.BlockCopy(data, 0, map, 0, data.Length * sizeof(float));
            return map;
        }
    }

    /// <summary>One line for a finished recording, from its own units (O(units of the recording), not of the corpus).</summary>
    private static string FinishedLine(CorpusRecording recording, List<CorpusUnit> mine)
    {
        if (mine.Count == 1 && mine[0].Status == CorpusUnitStatus.NoExamples)
        {
            return $"{recording.Id}: skipped: {mine[0].Problem}";
        }
        int reused = mine.Count(u => u.Status == CorpusUnitStatus.Reused);
        var explained = mine.Where(u => u.Status == CorpusUnitStatus.Done).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{recording.Id}: {mine.Count} unit(s){(reused > 0 ? $", {reused} reused" : "")}{(explained.Count > 0 ? $", {explained.Sum(u => u.MasksUsed)} masks in {explained.Sum(u => u.Seconds):F1} s" : "")}");
    }
}
