using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Relax.Audio;
using Relax.Evaluation;
using Relax.IO;
using Relax.Masks;
using Relax.Models.VGGish;
using Relax.Plots;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Cli.Commands;

/// <summary><c>relax explain</c>: RELAX saliency and uncertainty maps of a recording, as arrays, JSON and figures.</summary>
internal static class ExplainCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The names of <c>--normalization</c>, with the estimator normalisation each stands for.</summary>
    private static readonly Dictionary<string, SaliencyNormalization> Normalizations = new(StringComparer.Ordinal)
    {
        ["mask-weight"] = SaliencyNormalization.MaskWeight,
        ["mask-count"] = SaliencyNormalization.MaskCount,
    };

    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "A WAV file (any common encoding and rate)." };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write (one sub-folder per example).", Required = true };
        var masks = CliOptions.OneOf("--masks", "Mask kind.", MaskGenerators.Names, "time-frequency");
        var count = CliOptions.MaskCount("Masks per example (N); the most used when --converge is given.", 2000);
        var batch = CliOptions.Batch("Masks per forward pass.");
        var seed = CliOptions.Seed("Seed of the masks.");
        var keep = new Option<double>("--keep") { Description = "Fraction of cells (or bands) each mask keeps, in (0, 1).", DefaultValueFactory = _ => 0.5 }.Between(0, 1);
        var replace = CliOptions.OneOf("--replace", "What masked cells become.", MaskReplacement.Names, "mean");
        var normalization = CliOptions.OneOf("--normalization", "mask-weight (RELAX reference code, default) or mask-count (the paper's 1/N).", [.. Normalizations.Keys], "mask-weight");
        var converge = new Option<double?>("--converge") { Description = "Stop early once the estimated correlation with the converged map reaches this value, e.g. 0.99." }.Between(0, 1);
        var example = new Option<int?>("--example") { Description = "Explain only this example (0-based); default all." };
        var device = CliOptions.Device();
        var weights = CliOptions.Weights($"Official VGGish weights ({VGGishWeights.Network.FileName}). Default: ${VGGishWeights.Network.EnvironmentVariable}, then the cache ({VGGishWeights.DefaultCacheDirectory}), else the shipped default model.");
        var command = new Command("explain", "Explain what the model's representation of a recording rests on (RELAX): saliency, uncertainty and figures per example.")
        {
            input, outputDir, masks, count, batch, seed, keep, replace, normalization, converge, example, device, weights,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () =>
        {
            var relaxOptions = new RelaxOptions
            {
                MaskCount = parse.GetValue(count),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                Replacement = MaskReplacement.Parse(parse.GetRequiredValue(replace)),
                Normalization = Normalizations[parse.GetRequiredValue(normalization)],
                Convergence = parse.GetValue(converge) is { } target ? new ConvergenceOptions { TargetCorrelation = target } : null,
            };
            var settings = new ExplainSettings(parse.GetRequiredValue(input), parse.GetRequiredValue(outputDir),
                MaskGenerators.Create(parse.GetRequiredValue(masks), parse.GetValue(keep)), parse.GetValue(keep), relaxOptions,
                parse.GetValue(example), parse.GetRequiredValue(device), parse.GetValue(weights));
            Run(settings, context);
        }));
        return command;
    }

    private sealed record ExplainSettings(string Input, string Output, IMaskGenerator Masks, double Keep, RelaxOptions Relax,
        int? Example, Device Device, string? Weights);

    private static void Run(ExplainSettings s, CliContext context)
    {
        var embedderOptions = new VGGishEmbedderOptions { Device = s.Device };
        var examples = AudioInput.Read(s.Input, context.Error);
        if (s.Example is { } only && (only < 0 || only >= examples.Count))
        {
            throw new CliException($"--example {only}: {s.Input} has {examples.Count} example(s), numbered 0 to {examples.Count - 1}.");
        }

        RelaxCli.CheckWritableFolder(s.Output);
        using var model = ModelLoader.Load(s.Weights, embedderOptions);
        RelaxCli.CheckBatchFits(s.Relax.BatchSize, model.Embedder.ActivationBytesPerExample);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            Explain(s, context, examples, model, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Explain(ExplainSettings s, CliContext context, LogMelExamples examples, LoadedModel model, CancellationToken cancellationToken)
    {
        var (output, error) = (context.Output, context.Error);
        var relaxOptions = s.Relax;
        var maskGenerator = s.Masks;
        string modelIdentity = model.Identity;
        output.WriteLine($"Model: {modelIdentity}");
        output.WriteLine($"Input: {s.Input}: {examples.DurationSeconds:F2} s, {examples.Count} example(s) of 0.96 s.");
        output.WriteLine($"RELAX: {maskGenerator.Name} masks (keep {s.Keep}), N = {relaxOptions.MaskCount}{(relaxOptions.Convergence is { } c ? $" at most, stopping at estimated r ≥ {c.TargetCorrelation}" : "")}, batch {relaxOptions.BatchSize}, replacement {relaxOptions.Replacement.Name}, {relaxOptions.Normalization} normalisation, seed {relaxOptions.Seed}.");

        var explainer = new RelaxExplainer(model.Embedder, maskGenerator, relaxOptions);
        var axesBase = SpectrogramAxes.VGGish;
        var indices = s.Example is { } e1 ? [e1] : Enumerable.Range(0, examples.Count).ToArray();
        var summaries = new List<object>();
        foreach (int k in indices)
        {
            var logMel = examples.ExampleMatrix(k);
            var bar = new ConsoleProgressBar(error, $"example {k}", context.Interactive);
            RelaxResult result;
            try
            {
                result = explainer.Explain(logMel, bar, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine();
                error.WriteLine($"relax: interrupted during example {k}; {summaries.Count} of {indices.Length} example(s) finished in {Path.GetFullPath(s.Output)}.");
                throw;
            }
            NativeHeap.TrimIfDue(); // host policy: a long run returns freed native memory now and then
            foreach (var warning in result.Warnings)
            {
                error.WriteLine($"relax: warning: example {k}: {warning}");
            }
            if (result.StoppedEarly)
            {
                bar.Finish();
            }

            var folder = Path.Combine(s.Output, string.Create(CultureInfo.InvariantCulture, $"example-{k:D3}"));
            result.Save(folder);
            NpyFile.Write(Path.Combine(folder, "logmel.npy"), logMel);
            double start = k * LogMelExamples.FramesPerExample * axesBase.FrameSeconds;
            var axes = axesBase with { StartSeconds = start };
            string clip = $"{Path.GetFileName(s.Input)}, {start:F2}–{start + 0.96:F2} s";
            HeatmapFigure.Save(Path.Combine(folder, "logmel.png"), logMel, axes,
                new HeatmapStyle { Title = $"Log-mel spectrogram · {clip}", ColorBarLabel = "log mel energy", Colors = HeatmapColors.Magma });
            HeatmapFigure.Save(Path.Combine(folder, "saliency.png"), result.Saliency, axes,
                new HeatmapStyle { Title = $"RELAX saliency · {maskGenerator.Name} masks, N = {result.MasksUsed}", ColorBarLabel = "R", Colors = HeatmapColors.Viridis });
            HeatmapFigure.Save(Path.Combine(folder, "uncertainty.png"), result.Uncertainty, axes,
                new HeatmapStyle { Title = $"RELAX uncertainty · {maskGenerator.Name} masks, N = {result.MasksUsed}", ColorBarLabel = "U", Colors = HeatmapColors.Inferno });

            var summary = new
            {
                input = Path.GetFullPath(s.Input),
                example = k,
                startSeconds = start,
                model = modelIdentity,
                masks = maskGenerator.Name,
                keepProbability = s.Keep,
                masksRequested = result.MasksRequested,
                masksUsed = result.MasksUsed,
                stoppedEarly = result.StoppedEarly,
                estimatedCorrelation = double.IsNaN(result.EstimatedCorrelation) ? (double?)null : result.EstimatedCorrelation,
                batchSize = relaxOptions.BatchSize,
                seed = relaxOptions.Seed,
                replacement = relaxOptions.Replacement.Name,
                normalization = result.Normalization.ToString(),
                device = s.Device.ToString(),
                elapsedSeconds = result.Elapsed.TotalSeconds,
                masksPerSecond = result.MasksUsed / Math.Max(1e-9, result.Elapsed.TotalSeconds),
                shape = new[] { result.Height, result.Width },
                files = new[] { "logmel.npy", "saliency.npy", "uncertainty.npy", "mask-weight.npy", "saliency.csv", "uncertainty.csv", "logmel.png", "saliency.png", "uncertainty.png" },
            };
            WriteJson(Path.Combine(folder, "summary.json"), summary);
            summaries.Add(summary);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"example {k}: {result.MasksUsed} masks in {result.Elapsed.TotalSeconds:F1} s ({result.MasksUsed / Math.Max(1e-9, result.Elapsed.TotalSeconds):F0} masks/s) → {folder}"));
        }
        WriteJson(Path.Combine(s.Output, "summary.json"), new { model = modelIdentity, input = Path.GetFullPath(s.Input), examples = summaries });
        output.WriteLine($"Wrote {Path.GetFullPath(s.Output)}");
    }

    internal static void WriteJson(string path, object value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, Indented);
        AtomicFile.Write(path, stream => stream.Write(json));
    }
}
