using System.CommandLine;
using System.Globalization;
using Relax.Attribution;
using Relax.Audio;
using Relax.Cluster;
using Relax.Evaluation;
using Relax.Hosting;
using Relax.Masks;
using Relax.Models;
using Relax.Plots;
using Relax.Runs;
using Relax.Synthetic;
using Relax.Waveform;
using static TorchSharp.torch;

namespace Relax.Cli.Commands;

/// <summary><c>relax evaluate</c>: explains many clips with several explainers and scores each map by pixel
/// flipping (resumable; CSV summaries per clip and per class; figures per clip).</summary>
internal static class EvaluateCommand
{
    /// <summary>What <c>--replace</c> accepts: the named replacements and the next clip's values.</summary>
    private static readonly IReadOnlyList<string> ReplacementNames = [.. MaskReplacement.Names, DatasetEvaluator.OtherInputReplacement];

    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "WAV files, or folders searched for *.wav. A file is labelled dog, cat or bird (default model) when a word of its name or folder names the class, e.g. synthetic-bird.wav or dogs/x.wav.", Arity = ArgumentArity.ZeroOrMore };
        var synthetic = new Option<int>("--synthetic") { Description = "Also evaluate this many generated clips per class (held-out seeds of the default model's world)." }
            .InRange(0, 10_000, what: "the count must lie");
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write; a run into the same folder reuses finished clips.", Required = true };
        var explainers = CliOptions.ListOf("--explainers", "Explainers to compare; default all (rise only with a classifier head).", AttributionMethods.Names, defaultValue: null);
        var replace = CliOptions.ListOf("--replace", "Replacements for flipped cells (other-input: the next clip's values).", ReplacementNames, "mean,min");
        var step = new Option<double>("--step") { Description = "Fraction of cells removed per curve step, 0.001 to 0.5 (at most 1000 curve points).", DefaultValueFactory = _ => 0.05 }
            .InRange(PixelFlippingOptions.MinimumStepFraction, 0.5, what: "the step must be");
        var count = CliOptions.MaskCount("Masks per clip for RELAX and RISE.", 1000);
        var masks = CliOptions.OneOf("--masks", "RELAX mask kind.", MaskGenerators.Names, "time-frequency");
        var window = CliOptions.Size("--window", "Occlusion window", (12, 8));
        var stride = CliOptions.Size("--stride", "Occlusion stride", (6, 4));
        var igSteps = new Option<int>("--ig-steps") { Description = "Integrated Gradients path points, 1 to 4096.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var batch = CliOptions.Batch("Inputs per forward pass.");
        var seed = CliOptions.Seed("Seed of masks and random orders.");
        var maxExamples = new Option<int?>("--examples-per-file") { Description = "Evaluate at most this many 0.96 s examples of each WAV file; default all." }.InRange(1);
        var hop = CliOptions.Hop();
        var pad = CliOptions.Pad();
        var dtype = CliOptions.DType();
        var noFigures = new Option<bool>("--no-figures") { Description = "Skip the per-clip PNG figures." };
        var evidenceFraction = new Option<double>("--evidence-fraction") { Description = "Audio-domain scores: the fraction of most relevant cells rendered as each map's evidence, in (0, 1).", DefaultValueFactory = _ => 0.2 }.Between(0, 1);
        var noAudio = new Option<bool>("--no-audio") { Description = "Skip the audio-domain scores (each map's evidence rendered as sound and re-embedded)." };
        var device = CliOptions.Device();
        var cluster = CliOptions.Cluster("clips");
        var advertise = CliOptions.Advertise();
        var clusterWindow = CliOptions.Window("clips", 16);
        var model = new ModelOptions(context.Models, "Official VGGish weights. VGGish has no classifier head: then only similarity curves (no probability or accuracy curves, no rise). Default: the shipped default model with its dog/cat/bird head, unless weights are installed.");
        var command = new Command("evaluate", "Compare explainers on many clips by pixel flipping: AUCs of MoRF, LeRF and random curves per clip and class, accuracy curves, rank correlation between maps.")
        {
            inputs, synthetic, outputDir, explainers, replace, step, count, masks, window, stride, igSteps, batch, seed, maxExamples, hop, pad, noFigures, evidenceFraction, noAudio, dtype, device, model.Model, model.Weights, model.ModelCard, cluster, clusterWindow, advertise,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () => Run(new Settings(
            parse.GetValue(inputs) ?? [], parse.GetValue(synthetic), parse.GetRequiredValue(outputDir),
            parse.GetResult(explainers) is null ? null : parse.GetValue(explainers), // absent: the documented default list
            parse.GetRequiredValue(replace), parse.GetValue(step), parse.GetValue(count), parse.GetRequiredValue(masks),
            parse.GetValue(window), parse.GetValue(stride), parse.GetValue(igSteps), CliOptions.BatchFor(parse.GetValue(batch), parse.GetRequiredValue(device)), parse.GetValue(seed),
            parse.GetValue(maxExamples), CliOptions.FrontEnd(parse.GetValue(pad), parse.GetValue(hop)), parse.GetValue(noFigures),
            parse.GetValue(noAudio) ? null : new AudioFaithfulnessOptions { EvidenceFraction = parse.GetValue(evidenceFraction), Seed = parse.GetValue(seed) }, CliOptions.DTypeOf(parse, dtype),
            parse.GetRequiredValue(device), model.Request(parse, parse.GetRequiredValue(device), CliOptions.DTypeOf(parse, dtype), CliOptions.BatchFor(parse.GetValue(batch), parse.GetRequiredValue(device))),
            parse.GetValue(cluster) is { } address ? ClusterConnection.Address(address, parse.GetValue(context.Verbose)) : null,
            parse.GetValue(clusterWindow), parse.GetValue(advertise), parse.GetResult(replace) is { Implicit: false },
            parse.GetResult(hop) is { Implicit: false } ? parse.GetValue(hop) : null), context)));
        return command;
    }

    private sealed record Settings(string[] Inputs, int Synthetic, string Output, string[]? Explainers, string[] Replace, double Step, int Count,
        string Masks, (int Frames, int Bands) Window, (int Frames, int Bands) Stride, int IgSteps, int Batch, long Seed, int? MaxExamples,
        Relax.Audio.VGGishFrontEndOptions FrontEnd, bool NoFigures, AudioFaithfulnessOptions? Audio, ScalarType DType, Device Device, ModelRequest Model,
        ClusterTarget? Cluster, int ClusterWindow, string? Advertise, bool ReplaceGiven = false, double? HopGiven = null);

    /// <summary>The explainers that need the embedding's gradient with respect to the input.</summary>
    private static readonly string[] GradientExplainers = ["gradient", "integrated-gradients"];

    private static void Run(Settings s, CliContext context)
    {
        var (output, error) = (context.Output, context.Error);
        var flipping = new PixelFlippingOptions { StepFraction = s.Step, BatchSize = s.Batch, Seed = s.Seed };
        var relaxOptions = new RelaxOptions { MaskCount = s.Count, BatchSize = s.Batch, Seed = s.Seed };
        var maskGenerator = MaskGenerators.Create(s.Masks);
        var replacements = s.Replace.Where(n => n != DatasetEvaluator.OtherInputReplacement).Select(MaskReplacement.Parse).ToArray();
        bool otherInput = s.Replace.Contains(DatasetEvaluator.OtherInputReplacement);
        bool explicitExplainers = s.Explainers is not null;
        var explainerNames = (s.Explainers ?? AttributionMethods.Names).ToList();
        if (s.Inputs.Length == 0 && s.Synthetic == 0)
        {
            throw new CliException("Nothing to evaluate: give WAV files or folders, or --synthetic N.");
        }
        var files = s.Inputs.SelectMany(AudioInput.WavFiles).ToList();

        using var model = context.LoadModel(s.Model);
        var waveform = model.Input is WaveformInput w ? ForWaveformModel(w, ref s, model.Identity, output) : null;
        var logMel = model.Input is LogMelInput { IsVGGishLogMel: false } m ? ForLogMelModel(m, ref s, model.Identity, output) : null;
        if (s.Cluster is not null)
        {
            ModelExamples.RequireClusterSize(model.Input, model.Identity);
        }
        if (waveform is not null)
        {
            (replacements, otherInput) = ([MaskReplacement.Zero], false);
            relaxOptions = relaxOptions with { Replacement = MaskReplacement.Zero };
        }
        NativeNnpack.DisableIfUnavailable(); // host policy: no futile NNPACK attempt (and its warning) per convolution
        RelaxCli.CheckBatchFits(s.Batch, model.ActivationBytesPerExample);
        var (embedder, head, identity) = (model.Embedder, model.Head, model.Identity);
        if (head is null && explainerNames.Contains("rise"))
        {
            if (explicitExplainers)
            {
                throw new CliException("rise explains a classifier's output, and this model has no classifier head (the official VGGish has none); leave rise out.");
            }
            explainerNames.Remove("rise");
        }
        // LRP walks the network's layers: a model that is not a VGG-pattern stack (or post-processes) has none.
        var lrp = LrpNetwork.For(model);
        if (lrp is null && explainerNames.Contains("lrp"))
        {
            if (explicitExplainers)
            {
                throw new CliException("lrp walks the network layer by layer, and this model does not describe its layers as a VGG-pattern stack; leave lrp out.");
            }
            explainerNames.Remove("lrp");
        }
        if (!model.IsDifferentiable)
        {
            foreach (var gradientBased in GradientExplainers.Where(explainerNames.Contains))
            {
                if (explicitExplainers)
                {
                    throw new CliException($"{gradientBased} needs the gradient of the embedding with respect to the input, and this model runs outside autograd (an ONNX model); leave {gradientBased} out, or export the model as TorchScript.");
                }
                explainerNames.Remove(gradientBased);
            }
        }
        var classNames = model.ClassNames;
        var items = Items(files, s, classNames, error, waveform, logMel);
        if (items.Count == 0)
        {
            throw new CliException($"Nothing to evaluate: none of the {files.Count} file(s) given holds {(waveform is null && logMel is null ? "a 0.96 s example" : "an example of the model")} (see the warnings above); --pad pads short ones with silence.");
        }
        if (otherInput && items.Count < 2)
        {
            throw new CliException($"--replace {DatasetEvaluator.OtherInputReplacement} fills each clip with the next clip's values and needs at least two clips; there is {items.Count}.");
        }
        RelaxCli.CheckWritableFolder(s.Output);
        output.WriteLine($"Model: {identity}");
        RelaxCli.WriteNotice(output, model.Notice);
        output.WriteLine(head is null
            ? "No classifier head: similarity curves only (no class-probability or accuracy curves)."
            : $"Classifier head: {string.Join(" / ", classNames!)}; probability and accuracy curves included.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{items.Count} clip(s); explainers {string.Join(", ", explainerNames)}; replacements {string.Join(", ", s.Replace)}; step {s.Step}; N = {s.Count} masks ({maskGenerator.Name}); occlusion {s.Window.Frames}x{s.Window.Bands} stride {s.Stride.Frames}x{s.Stride.Bands}; IG {s.IgSteps} steps."));

        var attribution = new AttributionSettings(embedder)
        {
            Head = head,
            RelaxMasks = maskGenerator,
            Relax = relaxOptions,
            OcclusionWindow = s.Window,
            OcclusionStride = s.Stride,
            IntegratedGradientsSteps = s.IgSteps,
            Lrp = lrp,
        };
        var options = new DatasetEvaluationOptions
        {
            OutputDirectory = s.Output,
            Flipping = flipping,
            Replacements = replacements,
            UseOtherInputReplacement = otherInput,
            ClassNames = classNames,
            Audio = s.Audio,
            Settings = HostSettings(identity, s, waveform?.Reader ?? logMel?.Reader),
            Cells = waveform?.Cells,
        };
        // A waveform model's explainers work on each clip's STFT cells, so they are built per clip.
        var evaluator = waveform is null
            ? new DatasetEvaluator(embedder, explainerNames.Select(name => AttributionMethods.Create(name, attribution)).ToList(), options, head)
            : new DatasetEvaluator(embedder, cells => explainerNames.Select(name => AttributionMethods.Create(name, attribution with { Embedder = cells })).ToList(), options, head);

        var cancel = new CommandCancellation(context.Cancellation);
        DatasetEvaluationSummary summary;
        try
        {
            var progress = new LineProgress(error);
            var axes = SpectrogramAxes.Of(waveform?.Cells, logMel?.Analysis);
            ClipArtifactWriter? figures = s.NoFigures ? null : (clip, item, maps, folder) => EvaluationFigures.SaveClip(clip, item, maps, folder, axes);
            summary = s.Cluster is { } redis
                ? ClusterConnection.Run(redis, s.Advertise, new ClusterRunOptions(new ClusterModel(identity, s.DType.ToString(), s.Device.ToString())) { Window = s.ClusterWindow },
                    (client, run) => ClusterUnitExecutor.ForEvaluation(client, explainerNames, attribution, options, run),
                    executor => evaluator.RunAsync(items, executor, progress, figures, cancel.Token), "clip", context, cancel.Token)
                : evaluator.Run(items, progress, figures, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"relax: interrupted; finished clips are kept in {s.Output}: run the same command again to resume.");
            throw;
        }
        finally
        {
            cancel.Dispose();
        }

        if (!s.NoFigures)
        {
            EvaluationFigures.SaveMeanCurves(summary, s.Output);
        }
        Report(summary, output, head is not null);
        output.WriteLine($"Wrote {Path.GetFullPath(s.Output)} ({summary.Computed} clip(s) computed, {summary.Reused} reused)");
    }

    /// <summary>What the evaluator cannot see and the clips depend on: the model, the explainers' settings, and the
    /// front end and dtype only when not the defaults (so that folders written before these options existed still
    /// resume). The names are those every evaluation folder has been stamped with (<c>N</c> is RELAX's and RISE's mask
    /// count), kept so that finished clips are reused.</summary>
    private static RunSettings HostSettings(string identity, Settings s, WaveformExampleReader? waveform)
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("model", identity),
            new("N", s.Count.ToString(CultureInfo.InvariantCulture)),
            new("masks", s.Masks),
            new("window", string.Create(CultureInfo.InvariantCulture, $"{s.Window.Frames}x{s.Window.Bands}")),
            new("stride", string.Create(CultureInfo.InvariantCulture, $"{s.Stride.Frames}x{s.Stride.Bands}")),
            new("ig", s.IgSteps.ToString(CultureInfo.InvariantCulture)),
        };
        if (s.FrontEnd.PadFinalExample)
        {
            values.Add(new("pad", "true"));
        }
        if (waveform is not null)
        {
            values.Add(new("hop-samples", waveform.HopSamples.ToString(CultureInfo.InvariantCulture)));
        }
        else if (s.FrontEnd.ExampleHopFrames != 96)
        {
            values.Add(new("hop", s.FrontEnd.ExampleHopFrames.ToString(CultureInfo.InvariantCulture)));
        }
        if (s.DType != ScalarType.Float32)
        {
            values.Add(new("dtype", s.DType.ToString()));
        }
        return new RunSettings(values);
    }

    /// <summary>A waveform model's evaluation: clips at the model's rate and length every <c>--hop</c> seconds when given
    /// (else the card's hop), explained and flipped over <see cref="StftCells.ForRate"/>'s cells, removed cells silenced;
    /// no audio-domain scores (they render log-mel cells).</summary>
    /// <exception cref="CliException">What a waveform model's evaluation cannot do, in one line.</exception>
    private static WaveformEvaluation ForWaveformModel(WaveformInput input, ref Settings s, string identity, TextWriter output)
    {
        RequireRecordings(s, $"{identity} is a waveform model");
        if (s.ReplaceGiven && s.Replace is not ["zero"])
        {
            throw new CliException($"--replace {string.Join(',', s.Replace)}: {identity} is a waveform model, whose removed STFT cells are silenced (zero); leave --replace out.");
        }
        var (reader, cells) = ModelExamples.Waveform(input, s.HopGiven, s.FrontEnd.PadFinalExample, identity);
        if (s.Audio is not null)
        {
            output.WriteLine("Audio-domain scores: off (they render log-mel cells as sound; a waveform model's cells are its STFT's).");
        }
        s = s with { Audio = null, Replace = ["zero"] };
        return new WaveformEvaluation(reader, cells);
    }

    /// <summary>An exported model read by samples is evaluated on recordings: the generated clips are VGGish's examples.</summary>
    /// <exception cref="CliException"><c>--synthetic</c>, in one line.</exception>
    private static void RequireRecordings(Settings s, string why)
    {
        if (s.Synthetic > 0)
        {
            throw new CliException($"--synthetic {s.Synthetic}: the generated clips are VGGish log-mel examples, and {why}; give WAV files.");
        }
    }

    /// <summary>How a waveform model's clips are read and the cells they are explained over.</summary>
    private sealed record WaveformEvaluation(WaveformExampleReader Reader, StftCells Cells);

    /// <summary>A log-mel model whose card's preprocessing is not VGGish's: clips cut at its rate and computed by its
    /// analysis; no synthetic clips (they are VGGish's examples) and no audio-domain scores (they render VGGish's cells).</summary>
    /// <exception cref="CliException">What such an evaluation cannot do, in one line.</exception>
    private static LogMelEvaluation ForLogMelModel(LogMelInput input, ref Settings s, string identity, TextWriter output)
    {
        RequireRecordings(s, $"{identity} takes its own log-mel preprocessing");
        var (reader, analysis) = ModelExamples.LogMel(input, s.HopGiven, s.FrontEnd.PadFinalExample, identity);
        if (s.Audio is not null)
        {
            output.WriteLine("Audio-domain scores: off (they render VGGish's log-mel cells as sound; this model's analysis is its card's).");
            s = s with { Audio = null };
        }
        return new LogMelEvaluation(reader, analysis);
    }

    /// <summary>How a log-mel model with its own preprocessing has its clips read and computed.</summary>
    private sealed record LogMelEvaluation(WaveformExampleReader Reader, LogMelSpectrogram Analysis);

    private static List<EvaluationItem> Items(List<string> files, Settings s, IReadOnlyList<string>? classNames, TextWriter warnings, WaveformEvaluation? waveform, LogMelEvaluation? logMel)
    {
        var items = new List<EvaluationItem>();
        var reader = waveform is { Reader: var samples, Cells: var cells } ? new RecordingClipReader(samples, x => cells.Spectrogram(x), classNames, s.MaxExamples)
            : logMel is { Reader: var frames, Analysis: var analysis } ? new RecordingClipReader(frames, x => analysis.Compute(x), classNames, s.MaxExamples)
            : new RecordingClipReader(classNames, s.FrontEnd, s.MaxExamples);
        foreach (var recording in reader.Read(files))
        {
            foreach (var warning in recording.Warnings)
            {
                warnings.WriteLine($"relax: warning: {recording.Path}: {warning}");
            }
            if (recording.Skipped is { } why)
            {
                // One unreadable file (an undecodable MP3, say) does not stop an evaluation of many.
                warnings.WriteLine(recording.TooShort
                    ? $"relax: warning: {recording.Path}: skipped: {AudioInput.NoExamples(why)}"
                    : $"relax: warning: skipped: {why}");
            }
            items.AddRange(recording.Items);
        }
        if (s.Synthetic > 0)
        {
            var counts = new Dictionary<AnimalClass, int>();
            foreach (var example in SyntheticExamples.Generate(s.Synthetic, SyntheticAnimalModel.HeldOutFirstSeed))
            {
                int n = counts.GetValueOrDefault(example.Label);
                counts[example.Label] = n + 1;
                string name = example.Label.ToString().ToLowerInvariant();
                int label = classNames?.ToList().FindIndex(c => c.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? -1;
                items.Add(new EvaluationItem(string.Create(CultureInfo.InvariantCulture, $"synthetic-{name}-{n:D3}"),
                    example.LogMel, label >= 0 ? label : null)
                {
                    Waveform = new VGGishFrontEnd().FromWaveform(example.Clip.Samples, example.Clip.SampleRate).ExampleWaveform(0),
                });
            }
        }
        return items;
    }

    private static void Report(DatasetEvaluationSummary summary, TextWriter output, bool probability)
    {
        output.WriteLine();
        output.WriteLine("Areas under the similarity curves, all clips (MoRF lower and LeRF higher is better; gap = LeRF − MoRF):");
        output.WriteLine(probability
            ? $"{"explainer",-28} {"replacement",-12} {"MoRF",7} {"LeRF",7} {"random",7} {"gap",7}   {"p:MoRF",7} {"p:LeRF",7} {"p:random",8} {"p:gap",7}"
            : $"{"explainer",-28} {"replacement",-12} {"MoRF",7} {"LeRF",7} {"random",7} {"gap",7}");
        foreach (var r in summary.PerClass.Where(r => r.Group == "all"))
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{r.Explainer,-28} {r.Replacement,-12} {r.SimilarityMorf,7:F4} {r.SimilarityLerf,7:F4} {r.SimilarityRandom,7:F4} {r.SimilarityGap,7:F4}");
            if (probability)
            {
                line += string.Create(CultureInfo.InvariantCulture, $"   {r.ProbabilityMorf,7:F4} {r.ProbabilityLerf,7:F4} {r.ProbabilityRandom,8:F4} {r.ProbabilityGap,7:F4}");
            }
            output.WriteLine(line);
        }
        if (summary.Audio.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Audio-domain faithfulness, {summary.Audio[0].Clips} clip(s): each map's evidence rendered as sound and re-embedded; similarity to the original");
            output.WriteLine("(without evidence: lower is better; evidence only: higher is better; random: random cells of the same area):");
            output.WriteLine($"{"explainer",-28} {"without",8} {"only",8}");
            foreach (var row in summary.Audio)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Explainer,-28} {row.WithoutEvidence,8:F4} {row.EvidenceOnly,8:F4}"));
            }
        }
        output.WriteLine();
        output.WriteLine("Mean Spearman rank correlation between explainers' maps:");
        int width = Math.Max(10, summary.Explainers.Max(e => e.Length) + 1);
        output.WriteLine(new string(' ', width) + string.Concat(summary.Explainers.Select(e => e.PadLeft(width))));
        for (int i = 0; i < summary.Explainers.Count; i++)
        {
            output.WriteLine(summary.Explainers[i].PadRight(width) + string.Concat(Enumerable.Range(0, summary.Explainers.Count)
                .Select(j => summary.MeanRankCorrelation[i, j].ToString("F3", CultureInfo.InvariantCulture).PadLeft(width))));
        }
    }

    /// <summary>One line per stage on standard error.</summary>
    private sealed class LineProgress(TextWriter writer) : IProgress<DatasetProgress>
    {
        public void Report(DatasetProgress value) =>
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{value.ItemsDone}/{value.ItemsTotal}] {value.CurrentItem}: {value.Stage} ({value.Elapsed.TotalSeconds:F1} s)"));
    }
}
