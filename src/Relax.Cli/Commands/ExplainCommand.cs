using System.CommandLine;
using System.Globalization;
using Relax.Audio;
using Relax.Cluster;
using Relax.Hosting;
using Relax.Masks;
using Relax.Models;
using Relax.Models.VGGish;
using Relax.Plots;
using Relax.Runs;
using Relax.Waveform;
using static TorchSharp.torch;

namespace Relax.Cli.Commands;

/// <summary><c>relax explain</c>: RELAX saliency and uncertainty maps of one recording or a corpus (files and folders),
/// with every mask kind asked for; resumable, with class averages, a distinctiveness table and <c>report.html</c>.
/// A thin host over <see cref="CorpusExplainer"/>, which does the work; this adds figures and the console.</summary>
internal static class ExplainCommand
{
    /// <summary>The names of <c>--normalization</c>, with the estimator normalisation each stands for.</summary>
    private static readonly Dictionary<string, SaliencyNormalization> Normalizations = new(StringComparer.Ordinal)
    {
        ["mask-weight"] = SaliencyNormalization.MaskWeight,
        ["mask-count"] = SaliencyNormalization.MaskCount,
    };

    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "WAV files (any common encoding and rate), or folders searched recursively for *.wav.", Arity = ArgumentArity.OneOrMore };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write: <recording>/example-NNN/<mask kind>/ per example, index.csv, class maps, report.html. A rerun with the same settings resumes.", Required = true };
        var masks = CliOptions.ListOf("--masks", "Mask kinds; every example is explained with each.", MaskGenerators.Names, "time-frequency");
        var count = CliOptions.MaskCount("Masks per example (N); the most used when --converge is given.", 2000);
        var batch = CliOptions.Batch("Masks per forward pass.");
        var seed = CliOptions.Seed("Corpus seed; each example's masks are seeded from it, the recording's content, the example and the mask kind.");
        var keep = new Option<double>("--keep") { Description = "Fraction of cells (or bands) each mask keeps, in (0, 1).", DefaultValueFactory = _ => 0.5 }.Between(0, 1);
        var replace = CliOptions.OneOf("--replace", "What masked cells become.", MaskReplacement.Names, "mean");
        var normalization = CliOptions.OneOf("--normalization", "mask-weight (RELAX reference code, default) or mask-count (the paper's 1/N).", [.. Normalizations.Keys], "mask-weight");
        var converge = new Option<double?>("--converge") { Description = "Stop early once the estimated correlation with the converged map reaches this value, e.g. 0.99." }.Between(0, 1);
        var example = new Option<int?>("--example") { Description = "Explain only this example (0-based) of each recording; default all." }.InRange(0);
        var perFile = new Option<int?>("--examples-per-file") { Description = "Explain at most this many examples of each recording (the first ones); default all." }.InRange(1);
        var hop = CliOptions.Hop(); // a waveform model: the card's hop unless given
        var pad = CliOptions.Pad();
        var labels = new Option<string?>("--labels") { Description = "A CSV of path,label rows; default: each recording's parent folder names its class." };
        var noFigures = new Option<bool>("--no-figures") { Description = "Skip the per-example PNG figures (thumbnails, class grids and report.html are still written)." };
        var audio = new Option<bool>("--audio") { Description = "Also write each example's evidence as sound: evidence.wav (only the most salient cells kept) and without-evidence.wav (those removed), at the model's rate (16 kHz for VGGish); they sum to the example's audio." };
        var evidenceFraction = new Option<double>("--evidence-fraction") { Description = "Fraction of cells that --audio and explanation.png count as evidence, in (0, 1].", DefaultValueFactory = _ => 0.2 }.Between(0, 1, includeHigh: true);
        var dtype = CliOptions.DType();
        var device = CliOptions.Device();
        var cluster = CliOptions.Cluster("work");
        var advertise = CliOptions.Advertise();
        var window = CliOptions.Window("examples × mask kinds", 64);
        var model = new ModelOptions(context.Models, $"Official VGGish weights ({VGGishWeights.Network.FileName}). Default: ${VGGishWeights.Network.EnvironmentVariable}, then the cache ({VGGishWeights.DefaultCacheDirectory}), else the shipped default model.");
        var command = new Command("explain", "Explain what the model's representation of recordings rests on (RELAX): saliency, uncertainty and figures per example, class averages and a report for a corpus.")
        {
            inputs, outputDir, masks, count, batch, seed, keep, replace, normalization, converge, example, perFile, hop, pad, labels, noFigures, audio, evidenceFraction, dtype, device, model.Model, model.Weights, model.ModelCard, cluster, window, advertise,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () =>
        {
            var relaxOptions = new RelaxOptions
            {
                MaskCount = parse.GetValue(count),
                BatchSize = CliOptions.BatchFor(parse.GetValue(batch), parse.GetRequiredValue(device)),
                Seed = parse.GetValue(seed),
                Replacement = MaskReplacement.Parse(parse.GetRequiredValue(replace)),
                Normalization = Normalizations[parse.GetRequiredValue(normalization)],
                Convergence = parse.GetValue(converge) is { } target ? new ConvergenceOptions { TargetCorrelation = target } : null,
            };
            double keepProbability = parse.GetValue(keep);
            var (chosenDType, chosenDevice) = (CliOptions.DTypeOf(parse, dtype), parse.GetRequiredValue(device));
            var settings = new ExplainSettings(parse.GetRequiredValue(inputs), parse.GetRequiredValue(outputDir),
                parse.GetRequiredValue(masks).Select(name => MaskGenerators.Create(name, keepProbability)).ToArray(), keepProbability, relaxOptions,
                parse.GetValue(example), parse.GetValue(perFile), CliOptions.FrontEnd(parse.GetValue(pad), parse.GetValue(hop)),
                parse.GetResult(hop) is { Implicit: false } ? parse.GetValue(hop) : null, parse.GetResult(replace) is { Implicit: false }, parse.GetValue(labels),
                parse.GetValue(noFigures), parse.GetValue(audio), parse.GetValue(evidenceFraction), chosenDType, chosenDevice,
                model.Request(parse, chosenDevice, chosenDType, relaxOptions.BatchSize),
                parse.GetValue(cluster) is { } address ? ClusterConnection.Address(address, parse.GetValue(context.Verbose)) : null, parse.GetValue(window), parse.GetValue(advertise));
            Run(settings, context);
        }));
        return command;
    }

    private sealed record ExplainSettings(string[] Inputs, string Output, IMaskGenerator[] Masks, double Keep, RelaxOptions Relax,
        int? Example, int? ExamplesPerFile, VGGishFrontEndOptions FrontEnd, double? HopGiven, bool ReplaceGiven, string? Labels, bool NoFigures, bool Audio, double EvidenceFraction,
        ScalarType DType, Device Device, ModelRequest Model, ClusterTarget? Cluster, int Window, string? Advertise);

    private static void Run(ExplainSettings s, CliContext context)
    {
        var (output, error) = (context.Output, context.Error);
        var corpus = CorpusInputs.Find(s.Inputs, s.Labels, s.FrontEnd, error);
        // The model first: a weights file that cannot be loaded is refused before the output folder is made.
        using var model = context.LoadModel(s.Model);
        var relax = s.Relax;
        var settings = new Dictionary<string, string>
        {
            ["model"] = model.Identity,
            ["dtype"] = s.DType.ToString(),
            ["keep"] = s.Keep.ToString("R", CultureInfo.InvariantCulture),
            ["front-end.pad"] = s.FrontEnd.PadFinalExample ? "true" : "false",
        };
        StftCells? cells = null;
        LogMelSpectrogram? logMel = null;
        if (model.Input is WaveformInput waveform)
        {
            if (s.ReplaceGiven && s.Relax.Replacement != MaskReplacement.Zero)
            {
                throw new CliException($"--replace {s.Relax.Replacement.Name}: {model.Identity} is a waveform model, whose masked STFT cells are silenced (zero); leave --replace out.");
            }
            (var reader, cells) = ModelExamples.Waveform(waveform, s.HopGiven, s.FrontEnd.PadFinalExample, model.Identity);
            (corpus, relax) = (corpus.ForWaveformModel(reader, cells), s.Relax with { Replacement = MaskReplacement.Zero });
            settings["front-end.hop-samples"] = corpus.HopSamples.ToString(CultureInfo.InvariantCulture);
        }
        else if (model.Input is LogMelInput { IsVGGishLogMel: false } input)
        {
            (var reader, logMel) = ModelExamples.LogMel(input, s.HopGiven, s.FrontEnd.PadFinalExample, model.Identity);
            corpus = corpus.ForLogMelModel(reader, logMel);
            settings["front-end.hop-samples"] = corpus.HopSamples.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            settings["front-end.hop-frames"] = s.FrontEnd.ExampleHopFrames.ToString(CultureInfo.InvariantCulture);
        }
        if (s.Cluster is not null)
        {
            ModelExamples.RequireClusterSize(model.Input, model.Identity);
        }
        RelaxCli.CheckWritableFolder(s.Output);
        NativeNnpack.DisableIfUnavailable(); // host policy: no futile NNPACK attempt (and its warning) per convolution
        RelaxCli.CheckBatchFits(relax.BatchSize, model.ActivationBytesPerExample);
        var options = new CorpusOptions
        {
            OutputDirectory = s.Output,
            Masks = s.Masks,
            Relax = relax,
            ExamplesPerRecording = s.ExamplesPerFile,
            OnlyExample = s.Example,
            Cells = cells,
            Settings = settings,
        };
        var runner = new CorpusExplainer(model.Embedder, options);
        if (runner.CheckOutputFolder() is { } refusal)
        {
            throw new CliException(refusal);
        }

        output.WriteLine($"Model: {model.Identity} ({s.DType}, {s.Device})");
        RelaxCli.WriteNotice(output, model.Notice);
        output.WriteLine($"Corpus: {corpus.Count} recording(s), classes {string.Join(", ", corpus.Labels)}; mask kinds {string.Join(", ", s.Masks.Select(m => m.Name))}.");
        if (logMel is not null && model.Input is LogMelInput m)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Log-mel model with its own preprocessing: examples of {m.FramesPerExample} frames ({logMel.SamplesFor(m.FramesPerExample) / (double)m.SampleRate:0.###} s) at {m.SampleRate} Hz every {corpus.HopSamples / (double)m.SampleRate:0.###} s; window {m.WindowSamples}, hop {m.HopSamples}, FFT {m.FftSize}, {m.MelBands} bands {m.FminHz:0.##}–{m.FmaxHz:0.##} Hz, log offset {m.LogOffset:G3}."));
        }
        if (cells is not null && model.Input is WaveformInput w)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Waveform model: examples of {w.SamplesPerExample / (double)w.SampleRate:0.###} s at {w.SampleRate} Hz every {corpus.HopSamples / (double)w.SampleRate:0.###} s; masks on STFT cells ({cells.WindowSamples}-sample window, hop {cells.HopSamples}, {cells.Bins} bins), masked cells silenced."));
        }
        output.WriteLine($"RELAX: keep {s.Keep}, N = {relax.MaskCount}{(relax.Convergence is { } c ? $" at most, stopping at estimated r ≥ {c.TargetCorrelation}" : "")}, batch {relax.BatchSize}, replacement {relax.Replacement.Name}, {relax.Normalization} normalisation, seed {relax.Seed}.");

        var cancel = new CommandCancellation(context.Cancellation);
        var progress = new CorpusProgressLine(error, context.Interactive);
        CorpusSummary summary;
        try
        {
            CorpusArtifactWriter artifacts = new CorpusUnitFigures(new CorpusUnitFigureOptions { Figures = !s.NoFigures, Audio = s.Audio, EvidenceFraction = s.EvidenceFraction, Cells = cells, LogMel = logMel }).Write;
            summary = s.Cluster is { } redis
                ? OnCluster(redis, runner, corpus, new ClusterModel(model.Identity, s.DType.ToString(), s.Device.ToString()), s, progress, artifacts, context, cancel.Token)
                : runner.Run(corpus, progress, artifacts, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            progress.Close();
            error.WriteLine($"relax: interrupted after {progress.UnitsDone} finished example(s) × mask kind(s), kept in {Path.GetFullPath(s.Output)}; run the same command again to resume.");
            throw;
        }
        finally
        {
            cancel.Dispose();
        }
        progress.Close();

        var grids = CorpusFigures.SaveClassGrids(summary, s.Output, SpectrogramAxes.Of(cells, logMel));
        CorpusReportPage.Write(summary, s.Output, grids, $"RELAX explanations · {corpus.Count} recording(s) · {string.Join(", ", s.Masks.Select(m => m.Name))} masks");
        // Each skipped recording was reported on its progress line with the reason; a long corpus scrolls, so the end
        // names them once more, briefly.
        var skipped = summary.Units.Where(u => u.Status == CorpusUnitStatus.NoExamples).Select(u => u.Recording).ToList();
        if (skipped.Count > 0)
        {
            error.WriteLine($"relax: warning: {skipped.Count} recording(s) not explained (reasons above and in index.csv): {string.Join(", ", skipped.Take(5))}{(skipped.Count > 5 ? ", …" : "")}.");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Explained} example × mask kind(s) explained{(summary.Explained > 0 ? $" ({summary.MasksPerSecond:F0} masks/s)" : "")}, {summary.Reused} reused, {summary.WithoutExamples} recording(s) without an example, in {summary.Elapsed.TotalSeconds:F1} s."));
        output.WriteLine($"Wrote {Path.GetFullPath(s.Output)} (open {CorpusReportPage.FileName})");
        if (summary.Explained + summary.Reused == 0)
        {
            throw new CliException($"Nothing was explained: every recording was skipped (see {Path.Combine(s.Output, "index.csv")}).");
        }
    }

    /// <summary>The same run with the units explained by the cluster's workers; this process streams the corpus,
    /// keeps <c>--window</c> units in flight and writes every result.</summary>
    private static CorpusSummary OnCluster(ClusterTarget redis, CorpusExplainer runner, CorpusInputs corpus, ClusterModel model, ExplainSettings s,
        IProgress<CorpusProgress> progress, CorpusArtifactWriter artifacts, CliContext context, CancellationToken cancellationToken) =>
        ClusterConnection.Run(redis, s.Advertise, new ClusterRunOptions(model) { Window = s.Window, KeepProbability = s.Keep },
            (client, options) => ClusterUnitExecutor.ForCorpus(client, runner.Options, options),
            executor => runner.RunAsync(corpus, executor, progress, artifacts, cancellationToken), "unit", context, cancellationToken);
}
