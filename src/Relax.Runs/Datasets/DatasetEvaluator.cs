using System.Diagnostics;
using System.Globalization;
using Relax.Attribution;
using Relax.Classification;
using Relax.Evaluation;
using Relax.Hosting;
using Relax.Waveform;
using static TorchSharp.torch;

namespace Relax.Runs;

/// <summary>Writes extra files for a freshly computed clip (figures, for example) into its folder before the clip is
/// marked finished, so that a clip counted as done always has them.</summary>
/// <param name="clip">The clip's results.</param>
/// <param name="item">The item.</param>
/// <param name="maps">The explainers' maps, in <see cref="ClipEvaluation.Explainers"/> order.</param>
/// <param name="folder">The clip's folder.</param>
public delegate void ClipArtifactWriter(ClipEvaluation clip, EvaluationItem item, IReadOnlyList<float[,]> maps, string folder);

/// <summary>
/// Explains and evaluates many inputs in one go (the runner; <see cref="ClipStore"/> keeps finished clips for resuming
/// and <see cref="EvaluationReport"/> writes the summaries): every explainer's map of every item, then pixel-flipping curves
/// (most relevant first, least relevant first, random) with every replacement, scored by cosine similarity and, with
/// a classifier, class probability and accuracy. Resumable: each item's results go to <c>clips/&lt;id&gt;/</c>
/// (maps as <c>map-&lt;explainer&gt;.npy</c>, curves in <c>result.json</c>, written atomically and last); an item
/// whose <c>result.json</c> is present, readable and computed with the same settings is not redone. At the end the
/// CSV summaries are (re)written from all items: <c>per-clip.csv</c>, <c>per-class.csv</c>, <c>accuracy.csv</c>
/// and <c>rank-correlation.csv</c>.
/// </summary>
public sealed class DatasetEvaluator
{
    /// <summary>Name of the replacement drawn from another item.</summary>
    public const string OtherInputReplacement = "other-input";

    /// <summary>Name of each clip's results file.</summary>
    public const string ResultFile = "result.json";

    private readonly IEmbedder _embedder;
    private readonly IAttributionMethod[] _explainers;
    private readonly Func<IEmbedder, IReadOnlyList<IAttributionMethod>> _explainersFor;
    private readonly IEmbeddingClassifier? _classifier;
    private readonly ClipStore _store;
    private readonly AudioFaithfulness? _audio;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="embedder">The model whose representation is evaluated.</param>
    /// <param name="explainers">The explainers to compare (unique names).</param>
    /// <param name="options">Output folder, flipping settings and replacements.</param>
    /// <param name="classifier">A classifier head for probability and accuracy curves; null for similarity curves only.</param>
    /// <exception cref="ArgumentException">Explainers missing or named alike, no replacement, or STFT cells
    /// (<see cref="DatasetEvaluationOptions.Cells"/>), which need explainers built per item: use the factory constructor.</exception>
    public DatasetEvaluator(IEmbedder embedder, IReadOnlyList<IAttributionMethod> explainers, DatasetEvaluationOptions options, IEmbeddingClassifier? classifier = null)
        : this(embedder, explainers, null, options, classifier)
    {
    }

    /// <summary>Creates the evaluator for a model whose items each need their own explainers: a waveform model
    /// (<see cref="DatasetEvaluationOptions.Cells"/>), whose explainers work on one recording's STFT cells.</summary>
    /// <param name="embedder">The waveform model.</param>
    /// <param name="explainersFor">Builds the explainers on an item's cells (<see cref="StftCellEmbedder"/>); always the
    /// same names in the same order. The input they explain is all ones (every cell kept), so their replacement must be
    /// zero — <c>AttributionSettings.Relax</c> with <see cref="MaskReplacement.Zero"/> (RELAX's, occlusion's and
    /// Integrated Gradients' baseline): with the default mean, which is 1 here, their maps would be empty.</param>
    /// <param name="options">Output folder, flipping settings and replacements (zero only), with <see cref="DatasetEvaluationOptions.Cells"/>.</param>
    /// <param name="classifier">A classifier head for probability and accuracy curves; null for similarity curves only.</param>
    /// <exception cref="ArgumentException">No cells, a replacement other than zero, the other-input replacement or audio scores.</exception>
    public DatasetEvaluator(IEmbedder embedder, Func<IEmbedder, IReadOnlyList<IAttributionMethod>> explainersFor, DatasetEvaluationOptions options, IEmbeddingClassifier? classifier = null)
        : this(embedder, null, explainersFor ?? throw new ArgumentNullException(nameof(explainersFor)), options, classifier)
    {
        if (options.Cells is null)
        {
            throw new ArgumentException("Explainers built per item are for a waveform model's cells: set DatasetEvaluationOptions.Cells, or give the explainers.", nameof(options));
        }
        if (options.Replacements.Any(r => r != MaskReplacement.Zero) || options.UseOtherInputReplacement || options.Audio is not null)
        {
            throw new ArgumentException("A waveform model's removed cells are silenced: the only replacement is zero (no other-input), and there are no audio-domain scores.", nameof(options));
        }
    }

    private DatasetEvaluator(IEmbedder embedder, IReadOnlyList<IAttributionMethod>? explainers, Func<IEmbedder, IReadOnlyList<IAttributionMethod>>? explainersFor,
        DatasetEvaluationOptions options, IEmbeddingClassifier? classifier)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (explainers is not null && options.Cells is not null)
        {
            throw new ArgumentException("A waveform model's explainers work on each item's cells: give a factory (the other constructor).", nameof(options));
        }
        explainers ??= explainersFor!(embedder);
        ArgumentNullException.ThrowIfNull(explainers);
        if (explainers.Count == 0 || explainers.Any(e => e is null))
        {
            throw new ArgumentException("Give at least one explainer, and no null ones.", nameof(explainers));
        }
        if (explainers.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != explainers.Count)
        {
            throw new ArgumentException($"Explainer names must be unique: {string.Join(", ", explainers.Select(e => e.Name))}.", nameof(explainers));
        }
        if (options.Replacements.Count == 0 && !options.UseOtherInputReplacement)
        {
            throw new ArgumentException("Give at least one replacement.", nameof(options));
        }
        if (options.UseOtherInputReplacement && options.Replacements.Any(r => r.Name == OtherInputReplacement))
        {
            throw new ArgumentException($"The name '{OtherInputReplacement}' is reserved for the replacement drawn from another item.", nameof(options));
        }
        _explainers = explainers.ToArray();
        _explainersFor = explainersFor ?? (_ => _explainers);
        _classifier = classifier;
        _store = new ClipStore(options.OutputDirectory);
        _audio = options.Audio is { } audio ? new AudioFaithfulness(embedder, audio with { Similarity = options.Flipping.Similarity }) : null;
    }

    /// <summary>The settings.</summary>
    public DatasetEvaluationOptions Options { get; }

    /// <summary>Replacement names, in the order curves are evaluated.</summary>
    public IReadOnlyList<string> ReplacementNames =>
        Options.Replacements.Select(r => r.Name).Concat(Options.UseOtherInputReplacement ? [OtherInputReplacement] : []).ToArray();

    /// <summary>The folder of one item's results.</summary>
    public string ClipFolder(string id) => _store.Folder(id);

    private IReadOnlyList<string> ExplainerNames => _explainers.Select(e => e.Name).ToArray();

    /// <summary>An item's earlier results, when <c>result.json</c> is present, readable, of the same item and settings; else null.</summary>
    public ClipEvaluation? TryLoad(EvaluationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return _store.TryLoad(item, Fingerprint, ExplainerNames, ReplacementNames);
    }

    /// <summary>The fingerprint stored with every clip; a clip is reused only when it matches: the evaluator's own
    /// settings (<see cref="Settings"/>) then the host's (<see cref="DatasetEvaluationOptions.Settings"/>), as one
    /// line. It names the way masks are drawn from seeds (<see cref="MaskBatch.StreamVersion"/>), so that clips whose
    /// random explainers drew their masks another way are recomputed.</summary>
    public string Fingerprint => $"{Settings.ToLine()};{Options.Settings.ToLine()}";

    /// <summary>The settings the evaluator sees, by name: explainers, replacements, the flipping step and seed, whether
    /// a classifier head scores, the mask stream; the similarity when not cosine and the audio scores when on (both
    /// absent by default, so that folders written before they existed still resume).</summary>
    public RunSettings Settings
    {
        get
        {
            var values = new List<KeyValuePair<string, string>>
            {
                new("explainers", string.Join(',', _explainers.Select(e => e.Name))),
                new("replacements", string.Join(',', ReplacementNames)),
                new("step", Options.Flipping.StepFraction.ToString("R", CultureInfo.InvariantCulture)),
                new("seed", Options.Flipping.Seed.ToString(CultureInfo.InvariantCulture)),
                new("classifier", (_classifier is not null).ToString()),
                new("masks-drawn", MaskBatch.StreamVersion),
            };
            if (Options.Flipping.Similarity.Name != "cosine")
            {
                values.Add(new("similarity", Options.Flipping.Similarity.Name));
            }
            if (Options.Cells is { } c)
            {
                values.Add(new("cells", string.Create(CultureInfo.InvariantCulture, $"{c.SampleRate},{c.WindowSamples},{c.HopSamples},{c.FftSize}")));
            }
            if (Options.Audio is { } a)
            {
                values.Add(new("audio", string.Create(CultureInfo.InvariantCulture, $"{a.EvidenceFraction:R},{a.RandomDraws},{a.Seed}")));
            }
            return new RunSettings(values);
        }
    }

    /// <summary>Evaluates every item (reusing finished ones) in this process and writes the summaries.</summary>
    /// <param name="items">The dataset; ids must be unique.</param>
    /// <param name="progress">Reports each stage of each item.</param>
    /// <param name="writeArtifacts">Writes extra files of a freshly computed item before it is marked finished.</param>
    /// <param name="cancellationToken">Checked between batches; finished items stay on disk, so a later run resumes.</param>
    public DatasetEvaluationSummary Run(IReadOnlyList<EvaluationItem> items, IProgress<DatasetProgress>? progress = null,
        ClipArtifactWriter? writeArtifacts = null, CancellationToken cancellationToken = default) =>
        RunAsync(items, new LocalUnitExecutor<ClipWork, EvaluatedClip>(EvaluateClip), progress, writeArtifacts, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Evaluates every item (reusing finished ones) through <paramref name="executor"/>, keeping at most
    /// <see cref="IUnitExecutor{TWork, TResult}.Window"/> items in flight and writing each item's folder as its results arrive
    /// (in any order); then writes the summaries, in dataset order.</summary>
    /// <param name="items">The dataset; ids must be unique.</param>
    /// <param name="executor">Evaluates the items (a <see cref="LocalUnitExecutor{TWork, TResult}"/> of <see cref="EvaluateClip"/>, or a cluster's).</param>
    /// <param name="progress">Reports the stages of each item the executor can report, and each finished item.</param>
    /// <param name="writeArtifacts">Writes extra files of a freshly computed item before it is marked finished.</param>
    /// <param name="cancellationToken">Stops the run; finished items stay on disk, so a later run resumes.</param>
    /// <exception cref="InvalidDataException">The executor returned results of another item or other settings.</exception>
    public async Task<DatasetEvaluationSummary> RunAsync(IReadOnlyList<EvaluationItem> items, IUnitExecutor<ClipWork, EvaluatedClip> executor,
        IProgress<DatasetProgress>? progress = null, ClipArtifactWriter? writeArtifacts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(executor);
        if (items.Count == 0 || items.Any(i => i is null))
        {
            throw new ArgumentException("Give at least one item, and no null ones.", nameof(items));
        }
        var duplicate = items.GroupBy(i => i.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Item ids must be unique (case-insensitively); '{duplicate.Key}' appears {duplicate.Count()} times.", nameof(items));
        }
        if (Options.UseOtherInputReplacement && items.Count < 2)
        {
            throw new ArgumentException($"The '{OtherInputReplacement}' replacement needs at least two items.", nameof(items));
        }

        var clock = Stopwatch.StartNew();
        var clips = new ClipEvaluation?[items.Count];
        var inFlight = new List<(int Index, Task<EvaluatedClip> Result)>();
        int window = Math.Max(1, executor.Window);
        int reused = 0, done = 0;
        for (int k = 0; k < items.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var item = items[k];
            if (TryLoad(item) is { } existing)
            {
                clips[k] = existing;
                reused++;
                done++;
                progress?.Report(new DatasetProgress(done, items.Count, reused, item.Id, "reused", clock.Elapsed));
                continue;
            }
            var donor = Options.UseOtherInputReplacement ? items[(k + 1) % items.Count].Input : null;
            int index = k;
            var stages = progress is null ? null : new StageProgress(stage => progress.Report(new DatasetProgress(done, items.Count, reused, items[index].Id, stage, clock.Elapsed)));
            inFlight.Add((k, executor.RunAsync(new ClipWork(item, donor), stages, cancellationToken)));
            while (inFlight.Count >= window)
            {
                await FinishOneAsync().ConfigureAwait(false);
            }
        }
        while (inFlight.Count > 0)
        {
            await FinishOneAsync().ConfigureAwait(false);
        }

        var summary = EvaluationReport.Summarise(clips.Select(c => c!).ToList(), items.Count - reused, reused, ExplainerNames, ReplacementNames, Options.ClassNames);
        EvaluationReport.Write(summary, Options.OutputDirectory, Options.ClassNames);
        return summary;

        async Task FinishOneAsync()
        {
            var finished = await Task.WhenAny(inFlight.Select(f => f.Result)).ConfigureAwait(false);
            int slot = inFlight.FindIndex(f => f.Result == finished);
            int index = inFlight[slot].Index;
            inFlight.RemoveAt(slot);
            var item = items[index];
            clips[index] = Store(item, await finished.ConfigureAwait(false), writeArtifacts);
            NativeHeap.TrimIfDue(); // host policy: a long run returns freed native memory now and then
            done++;
            progress?.Report(new DatasetProgress(done, items.Count, reused, item.Id, "done", clock.Elapsed));
        }
    }

    /// <summary>Explains one item with every explainer and scores the maps (flipping curves with every replacement,
    /// audio-domain scores when on, rank correlations); writes nothing. What every executor computes.</summary>
    /// <param name="work">The item and, with the other-input replacement, the next item's input.</param>
    /// <param name="stages">Told each stage as it starts.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluatedClip EvaluateClip(ClipWork work, IProgress<string>? stages = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var item = work.Item ?? throw new ArgumentException("The work has no item.", nameof(work));
        if (Options.UseOtherInputReplacement != work.Donor is not null)
        {
            throw new ArgumentException(Options.UseOtherInputReplacement
                ? $"The '{OtherInputReplacement}' replacement is on: give the next item's input as the donor."
                : $"A donor input is given, but the '{OtherInputReplacement}' replacement is off.", nameof(work));
        }
        // A waveform model's item is explained and flipped over its own STFT cells, from all cells kept.
        using var cells = Options.Cells is { } stft ? CellsOf(item, stft) : null;
        IEmbedder model = cells ?? _embedder;
        var explainers = cells is null ? _explainers : ExplainersOn(cells);
        using var input = cells is null ? TensorArrays.FromArray2D(item.Input) : ones(cells.Frames, cells.Bins);
        var maps = new List<float[,]>();
        var seconds = new List<double>();
        foreach (var explainer in explainers)
        {
            stages?.Report($"explain {explainer.Name}");
            var clock = Stopwatch.StartNew();
            maps.Add(explainer.Attribute(input, cancellationToken));
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        var replacements = Options.Replacements.ToList();
        if (work.Donor is { } donor)
        {
            replacements.Add(MaskReplacement.FromInput(donor, OtherInputReplacement));
        }
        var curves = new List<ClipCurve>();
        foreach (var replacement in replacements)
        {
            stages?.Report($"flip {replacement.Name}");
            var flipping = new PixelFlipping(model, Options.Flipping with { Replacement = replacement }, _classifier);
            for (int e = 0; e < _explainers.Length; e++)
            {
                curves.Add(new ClipCurve(_explainers[e].Name, flipping.Evaluate(input, maps[e], FlipOrder.MostRelevantFirst, cancellationToken)));
                curves.Add(new ClipCurve(_explainers[e].Name, flipping.Evaluate(input, maps[e], FlipOrder.LeastRelevantFirst, cancellationToken)));
            }
            curves.Add(new ClipCurve(null, flipping.Evaluate(input, maps[0], FlipOrder.Random, cancellationToken)));
        }

        AudioScores? audio = null;
        if (_audio is not null && item.Waveform is { } waveform)
        {
            stages?.Report("audio");
            audio = _audio.Score(waveform, maps, item.Id, cancellationToken);
        }
        var correlation = maps.Select(a => (IReadOnlyList<double>)maps.Select(b => RankCorrelation.Spearman(a, b)).ToArray()).ToArray();
        var clip = new ClipEvaluation(item.Id, item.Label, curves[0].Curve.PredictedClass?[0], Fingerprint,
            _explainers.Select(e => e.Name).ToArray(), replacements.Select(r => r.Name).ToArray(), curves, correlation, seconds)
        {
            Audio = audio,
        };
        return new EvaluatedClip(clip, maps);
    }

    /// <summary>An item of a waveform model as an embedder over its STFT cells, checked against its input's shape.</summary>
    private StftCellEmbedder CellsOf(EvaluationItem item, StftCells stft)
    {
        var samples = item.Waveform ?? throw new ArgumentException($"Item {item.Id}: a waveform model's item needs its samples (EvaluationItem.Waveform).", nameof(item));
        new WaveformExample(samples, stft).RequireShapeOf(item.Input, $"Item {item.Id}");
        return new StftCellEmbedder(_embedder, stft, samples);
    }

    /// <summary>The explainers on one item's cells, named as the evaluator's.</summary>
    private IAttributionMethod[] ExplainersOn(IEmbedder cells)
    {
        var explainers = _explainersFor(cells).ToArray();
        if (!explainers.Select(e => e.Name).SequenceEqual(ExplainerNames))
        {
            throw new InvalidOperationException($"The explainer factory gave {string.Join(", ", explainers.Select(e => e.Name))}, not {string.Join(", ", ExplainerNames)}.");
        }
        return explainers;
    }

    /// <summary>Writes a freshly evaluated item's folder: maps, artifacts, and last <c>result.json</c> (which marks it
    /// finished). Results from elsewhere are checked first: they must be this item's, with these settings.</summary>
    private ClipEvaluation Store(EvaluationItem item, EvaluatedClip evaluated, ClipArtifactWriter? writeArtifacts)
    {
        var (clip, maps) = (evaluated?.Clip, evaluated?.Maps);
        string? problem = ClipStore.Problem(clip, item, Fingerprint, ExplainerNames, ReplacementNames)
            ?? (maps is null ? "no maps"
            : maps.Count != _explainers.Length || maps.Any(m => m is null || m.GetLength(0) != item.Input.GetLength(0) || m.GetLength(1) != item.Input.GetLength(1))
                ? $"maps of the wrong number or shape (want {_explainers.Length} of {item.Input.GetLength(0)} × {item.Input.GetLength(1)})"
            : null);
        if (problem is not null)
        {
            throw new InvalidDataException($"Item {item.Id}: the executor returned {problem}.");
        }
        for (int e = 0; e < _explainers.Length; e++)
        {
            _store.WriteMap(item.Id, _explainers[e].Name, maps![e]);
        }
        writeArtifacts?.Invoke(clip!, item, maps!, ClipFolder(item.Id));
        _store.Save(clip!);
        return clip!;
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class StageProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    /// <summary>The short name of an order in files and legends: <c>morf</c>, <c>lerf</c> or <c>random</c>.</summary>
    public static string OrderName(FlipOrder order) => order switch
    {
        FlipOrder.MostRelevantFirst => "morf",
        FlipOrder.LeastRelevantFirst => "lerf",
        _ => "random",
    };

}
