using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Relax.Audio;
using Relax.IO;
using Relax.Masks;
using Relax.Models.VGGish;
using Relax.Models.VGGish.DefaultModel;
using Relax.Plots;

namespace Relax.Cli;

/// <summary><c>relax explain</c>: RELAX saliency and uncertainty maps of a recording, as arrays, JSON and figures.</summary>
internal static class ExplainCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(Option<bool> verbose, TextWriter output, TextWriter error, bool interactive)
    {
        var input = new Argument<string>("input") { Description = "A WAV file (any common encoding and rate)." };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write (one sub-folder per example).", Required = true };
        var masks = new Option<string>("--masks") { Description = $"Mask kind: {string.Join(", ", MaskGenerators.Names)}.", DefaultValueFactory = _ => "time-frequency" };
        var count = new Option<int>("--count", "-n") { Description = "Masks per example (N); the most used when --converge is given.", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch") { Description = "Masks per forward pass.", DefaultValueFactory = _ => 64 };
        var seed = new Option<long>("--seed") { Description = "Seed of the masks.", DefaultValueFactory = _ => 1 };
        var keep = new Option<double>("--keep") { Description = "Fraction of cells (or bands) each mask keeps, in (0, 1).", DefaultValueFactory = _ => 0.5 };
        var replace = new Option<string>("--replace") { Description = "What masked cells become: mean, min or zero.", DefaultValueFactory = _ => "mean" };
        var normalization = new Option<string>("--normalization") { Description = "mask-weight (RELAX reference code, default) or mask-count (the paper's 1/N).", DefaultValueFactory = _ => "mask-weight" };
        var converge = new Option<double?>("--converge") { Description = "Stop early once the estimated correlation with the converged map reaches this value, e.g. 0.99." };
        var example = new Option<int?>("--example") { Description = "Explain only this example (0-based); default all." };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
        var weights = new Option<string?>("--weights", "-w")
        {
            Description = $"Official VGGish weights ({VGGishWeights.Network.FileName}). Default: ${VGGishWeights.Network.EnvironmentVariable}, then the cache ({VGGishWeights.DefaultCacheDirectory}), else the shipped default model.",
        };
        var command = new Command("explain", "Explain what the model's representation of a recording rests on (RELAX): saliency, uncertainty and figures per example.")
        {
            input, outputDir, masks, count, batch, seed, keep, replace, normalization, converge, example, device, weights,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(verbose), error, () =>
        {
            var settings = new ExplainSettings(
                parse.GetRequiredValue(input), parse.GetRequiredValue(outputDir), parse.GetRequiredValue(masks),
                parse.GetValue(count), parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(keep),
                parse.GetRequiredValue(replace), parse.GetRequiredValue(normalization), parse.GetValue(converge),
                parse.GetValue(example), parse.GetRequiredValue(device), parse.GetValue(weights));
            Run(settings, output, error, interactive);
        }));
        return command;
    }

    private sealed record ExplainSettings(string Input, string Output, string Masks, int Count, int Batch, long Seed, double Keep,
        string Replace, string Normalization, double? Converge, int? Example, string Device, string? Weights);

    private static void Run(ExplainSettings s, TextWriter output, TextWriter error, bool interactive)
    {
        var relaxOptions = RelaxCli.Parse(() => new RelaxOptions
        {
            MaskCount = s.Count,
            BatchSize = s.Batch,
            Seed = s.Seed,
            Replacement = s.Replace switch
            {
                "mean" => MaskReplacement.Mean,
                "min" => MaskReplacement.Min,
                "zero" => MaskReplacement.Zero,
                _ => throw new ArgumentException($"Unknown replacement '{s.Replace}'; use mean, min or zero."),
            },
            Normalization = s.Normalization switch
            {
                "mask-weight" => SaliencyNormalization.MaskWeight,
                "mask-count" => SaliencyNormalization.MaskCount,
                _ => throw new ArgumentException($"Unknown normalization '{s.Normalization}'; use mask-weight or mask-count."),
            },
            Convergence = s.Converge is { } target ? new ConvergenceOptions { TargetCorrelation = target } : null,
        });
        var maskGenerator = RelaxCli.Parse(() => MaskGenerators.Create(s.Masks, s.Keep));
        var embedderOptions = new VGGishEmbedderOptions { Device = RelaxCli.Parse(() => VGGishEmbedderOptions.ParseDevice(s.Device)) };

        if (!File.Exists(s.Input))
        {
            throw new CliException($"{s.Input}: no such file.");
        }
        LogMelExamples examples;
        try
        {
            examples = new VggishFrontEnd().FromFile(s.Input);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message, e);
        }
        if (examples.IsEmpty)
        {
            throw new CliException(examples.Message ?? $"{s.Input}: shorter than one VGGish example (0.975 s); nothing to explain.");
        }
        if (s.Example is { } only && (only < 0 || only >= examples.Count))
        {
            throw new CliException($"--example {only}: {s.Input} has {examples.Count} example(s), numbered 0 to {examples.Count - 1}.");
        }

        var (embedder, modelIdentity) = LoadModel(s.Weights, embedderOptions);
        using var ownedEmbedder = embedder;
        output.WriteLine($"Model: {modelIdentity}");
        output.WriteLine($"Input: {s.Input}: {examples.DurationSeconds:F2} s, {examples.Count} example(s) of 0.96 s.");
        output.WriteLine($"RELAX: {maskGenerator.Name} masks (keep {s.Keep}), N = {relaxOptions.MaskCount}{(s.Converge is { } c ? $" at most, stopping at estimated r ≥ {c}" : "")}, batch {relaxOptions.BatchSize}, replacement {relaxOptions.Replacement.Name}, {relaxOptions.Normalization} normalisation, seed {relaxOptions.Seed}.");

        var explainer = new RelaxExplainer(embedder, maskGenerator, relaxOptions);
        var axesBase = new SpectrogramAxes { FrameSeconds = VggishLogMel.HopLength / (double)VggishLogMel.SampleRate, BandCentresHz = MelFilterbank.Vggish.CentreHertz };
        var indices = s.Example is { } e1 ? [e1] : Enumerable.Range(0, examples.Count).ToArray();
        var summaries = new List<object>();
        foreach (int k in indices)
        {
            var logMel = examples.ExampleMatrix(k);
            var bar = new ConsoleProgressBar(error, $"example {k}", interactive);
            var result = explainer.Explain(logMel, bar);
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
                normalization = relaxOptions.Normalization.ToString(),
                device = s.Device,
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

    /// <summary>Official VGGish when its weights are given or installed, else the shipped default model.</summary>
    private static (VGGishEmbedder Embedder, string Identity) LoadModel(string? weights, VGGishEmbedderOptions options)
    {
        string? path = null;
        try
        {
            path = new VGGishWeightsResolver().Resolve(VGGishWeights.Network, weights);
        }
        catch (VGGishWeightsNotFoundException) when (weights is null)
        {
            // Nothing installed: fall back to the model that ships with Relax.
        }
        if (path is not null)
        {
            return (VGGishEmbedder.FromFiles(path, null, options), $"Google VGGish (torchvggish weights {path}, raw embeddings)");
        }
        var model = SyntheticAnimalModel.Load(options);
        return (model.Embedder, model.Identity + " — no official VGGish weights found; pass --weights or put them in " + VGGishWeights.DefaultCacheDirectory);
    }

    private static void WriteJson(string path, object value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, Indented);
        AtomicFile.Write(path, stream => stream.Write(json));
    }
}
