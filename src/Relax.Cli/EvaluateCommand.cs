using System.CommandLine;
using System.Globalization;
using Relax.Attribution;
using Relax.Audio;
using Relax.Audio.Synthetic;
using Relax.Classification;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models.VGGish;
using Relax.Models.VGGish.DefaultModel;
using Relax.Plots;

namespace Relax.Cli;

/// <summary><c>relax evaluate</c>: explains many clips with several explainers and scores each map by pixel
/// flipping (resumable; CSV summaries per clip and per class; figures per clip).</summary>
internal static class EvaluateCommand
{
    /// <summary>The explainers <c>--explainers</c> accepts.</summary>
    public static IReadOnlyList<string> ExplainerNames { get; } = ["relax", "occlusion", "gradient", "integrated-gradients", "rise"];

    public static Command Create(Option<bool> verbose, TextWriter output, TextWriter error)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "WAV files, or folders searched for *.wav. A file is labelled dog, cat or bird (default model) when a word of its name or folder names the class, e.g. synthetic-bird.wav or dogs/x.wav.", Arity = ArgumentArity.ZeroOrMore };
        var synthetic = new Option<int>("--synthetic") { Description = "Also evaluate this many generated clips per class (held-out seeds of the default model's world)." };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write; a run into the same folder reuses finished clips.", Required = true };
        var explainers = new Option<string>("--explainers") { Description = $"Comma-separated: {string.Join(", ", ExplainerNames)}. Default all (rise only with a classifier head)." };
        var replace = new Option<string>("--replace") { Description = "Comma-separated replacements for flipped cells: mean, min, zero, other-input (the next clip's values).", DefaultValueFactory = _ => "mean,min" };
        var step = new Option<double>("--step") { Description = "Fraction of cells removed per curve step, in (0, 0.5].", DefaultValueFactory = _ => 0.05 };
        var count = new Option<int>("--count", "-n") { Description = "Masks per clip for RELAX and RISE.", DefaultValueFactory = _ => 1000 };
        var masks = new Option<string>("--masks") { Description = $"RELAX mask kind: {string.Join(", ", MaskGenerators.Names)}.", DefaultValueFactory = _ => "time-frequency" };
        var window = new Option<string>("--window") { Description = "Occlusion window, FRAMESxBANDS.", DefaultValueFactory = _ => "12x8" };
        var stride = new Option<string>("--stride") { Description = "Occlusion stride, FRAMESxBANDS.", DefaultValueFactory = _ => "6x4" };
        var igSteps = new Option<int>("--ig-steps") { Description = "Integrated Gradients path points.", DefaultValueFactory = _ => 32 };
        var batch = new Option<int>("--batch") { Description = "Inputs per forward pass.", DefaultValueFactory = _ => 64 };
        var seed = new Option<long>("--seed") { Description = "Seed of masks and random orders.", DefaultValueFactory = _ => 1 };
        var maxExamples = new Option<int?>("--examples-per-file") { Description = "Evaluate at most this many 0.96 s examples of each WAV file; default all." };
        var noFigures = new Option<bool>("--no-figures") { Description = "Skip the per-clip PNG figures." };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
        var weights = new Option<string?>("--weights", "-w")
        {
            Description = "Official VGGish weights. VGGish has no classifier head: then only similarity curves (no probability or accuracy curves, no rise). Default: the shipped default model with its dog/cat/bird head, unless weights are installed.",
        };
        var command = new Command("evaluate", "Compare explainers on many clips by pixel flipping: AUCs of MoRF, LeRF and random curves per clip and class, accuracy curves, rank correlation between maps.")
        {
            inputs, synthetic, outputDir, explainers, replace, step, count, masks, window, stride, igSteps, batch, seed, maxExamples, noFigures, device, weights,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(verbose), error, () => Run(new Settings(
            parse.GetValue(inputs) ?? [], parse.GetValue(synthetic), parse.GetRequiredValue(outputDir), parse.GetValue(explainers),
            parse.GetRequiredValue(replace), parse.GetValue(step), parse.GetValue(count), parse.GetRequiredValue(masks),
            parse.GetRequiredValue(window), parse.GetRequiredValue(stride), parse.GetValue(igSteps), parse.GetValue(batch), parse.GetValue(seed),
            parse.GetValue(maxExamples), parse.GetValue(noFigures), parse.GetRequiredValue(device), parse.GetValue(weights)), output, error)));
        return command;
    }

    private sealed record Settings(string[] Inputs, int Synthetic, string Output, string? Explainers, string Replace, double Step, int Count,
        string Masks, string Window, string Stride, int IgSteps, int Batch, long Seed, int? MaxExamples, bool NoFigures, string Device, string? Weights);

    private static void Run(Settings s, TextWriter output, TextWriter error)
    {
        // Check every setting before loading anything.
        var flipping = RelaxCli.Parse(() => new PixelFlippingOptions { StepFraction = s.Step, BatchSize = s.Batch, Seed = s.Seed });
        var relaxOptions = RelaxCli.Parse(() => new RelaxOptions { MaskCount = s.Count, BatchSize = s.Batch, Seed = s.Seed });
        var maskGenerator = RelaxCli.Parse(() => MaskGenerators.Create(s.Masks));
        var (windowFrames, windowBands) = Size("--window", s.Window);
        var (strideFrames, strideBands) = Size("--stride", s.Stride);
        if (s.IgSteps < 1)
        {
            throw new CliException("--ig-steps must be at least 1.");
        }
        if (s.Synthetic is < 0 or > 10_000)
        {
            throw new CliException("--synthetic must lie between 0 and 10000.");
        }
        if (s.MaxExamples is < 1)
        {
            throw new CliException("--examples-per-file must be at least 1.");
        }
        var replaceNames = List(s.Replace);
        var replacements = replaceNames.Where(n => n != DatasetEvaluator.OtherInputReplacement).Select(n => n switch
        {
            "mean" => MaskReplacement.Mean,
            "min" => MaskReplacement.Min,
            "zero" => MaskReplacement.Zero,
            _ => throw new CliException($"Unknown replacement '{n}'; use mean, min, zero or other-input."),
        }).ToArray();
        bool explicitExplainers = s.Explainers is not null;
        var explainerNames = explicitExplainers ? List(s.Explainers!) : ExplainerNames.ToList();
        var unknown = explainerNames.FirstOrDefault(n => !ExplainerNames.Contains(n));
        if (unknown is not null)
        {
            throw new CliException($"Unknown explainer '{unknown}'; use {string.Join(", ", ExplainerNames)}.");
        }
        if (s.Inputs.Length == 0 && s.Synthetic == 0)
        {
            throw new CliException("Nothing to evaluate: give WAV files or folders, or --synthetic N.");
        }
        var embedderOptions = new VGGishEmbedderOptions { Device = RelaxCli.Parse(() => VGGishEmbedderOptions.ParseDevice(s.Device)) };
        var files = s.Inputs.SelectMany(WavFiles).ToList();

        var (embedder, head, identity) = ModelChoice.Load(s.Weights, embedderOptions);
        using var ownedEmbedder = embedder;
        if (head is null && explainerNames.Contains("rise"))
        {
            if (explicitExplainers)
            {
                throw new CliException("rise explains a classifier's output, and this model has no classifier head (the official VGGish has none); leave rise out.");
            }
            explainerNames.Remove("rise");
        }
        var classNames = head is null ? null : SyntheticAnimalModel.ClassNames;
        var items = Items(files, s, classNames);
        output.WriteLine($"Model: {identity}");
        output.WriteLine(head is null
            ? "No classifier head: similarity curves only (no class-probability or accuracy curves)."
            : $"Classifier head: {string.Join(" / ", classNames!)}; probability and accuracy curves included.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{items.Count} clip(s); explainers {string.Join(", ", explainerNames)}; replacements {string.Join(", ", replaceNames)}; step {s.Step}; N = {s.Count} masks ({maskGenerator.Name}); occlusion {windowFrames}x{windowBands} stride {strideFrames}x{strideBands}; IG {s.IgSteps} steps."));

        var methods = explainerNames.Select(name => (IAttributionMethod)(name switch
        {
            "relax" => new RelaxAttribution(new RelaxExplainer(embedder, maskGenerator, relaxOptions)),
            "occlusion" => new OcclusionAttribution(embedder, windowFrames, windowBands, strideFrames, strideBands, batchSize: s.Batch),
            "gradient" => new GradientAttribution(embedder),
            "integrated-gradients" => new IntegratedGradientsAttribution(embedder, s.IgSteps, batchSize: Math.Min(s.Batch, 32)),
            _ => new RiseAttribution(embedder, head!, new RandomGridMasks(8, 0.5), relaxOptions),
        })).ToList();
        var options = RelaxCli.Parse(() => new DatasetEvaluationOptions
        {
            OutputDirectory = s.Output,
            Flipping = flipping,
            Replacements = replacements,
            UseOtherInputReplacement = replaceNames.Contains(DatasetEvaluator.OtherInputReplacement),
            ClassNames = classNames,
            Settings = string.Create(CultureInfo.InvariantCulture, $"model={identity};N={s.Count};masks={s.Masks};window={s.Window};stride={s.Stride};ig={s.IgSteps}"),
        });
        var evaluator = RelaxCli.Parse(() => new DatasetEvaluator(embedder, methods, options, head));

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        DatasetEvaluationSummary summary;
        try
        {
            var progress = new LineProgress(error);
            summary = RelaxCli.Parse(() => evaluator.Run(items, progress, s.NoFigures ? null : WriteFigures, cancel.Token));
        }
        catch (OperationCanceledException)
        {
            throw new CliException($"Cancelled. Finished clips are kept in {s.Output}; run the same command again to resume.");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (!s.NoFigures)
        {
            WriteMeanCurves(summary, s.Output);
        }
        Report(summary, output, head is not null);
        output.WriteLine($"Wrote {Path.GetFullPath(s.Output)} ({summary.Computed} clip(s) computed, {summary.Reused} reused)");
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    private static (int Frames, int Bands) Size(string option, string text)
    {
        var parts = text.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int f) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int b)
            && f is >= 1 and <= 96 && b is >= 1 and <= 64)
        {
            return (f, b);
        }
        throw new CliException($"{option} {text}: use FRAMESxBANDS with 1–96 frames and 1–64 bands, e.g. 12x8.");
    }

    private static IEnumerable<string> WavFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var found = Directory.EnumerateFiles(path, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            return found.Count > 0 ? found : throw new CliException($"{path}: no .wav files in this folder.");
        }
        return File.Exists(path) ? [path] : throw new CliException($"{path}: no such file or folder.");
    }

    private static List<EvaluationItem> Items(List<string> files, Settings s, IReadOnlyList<string>? classNames)
    {
        var items = new List<EvaluationItem>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            LogMelExamples examples;
            try
            {
                examples = new VggishFrontEnd().FromFile(file);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                throw new CliException(e.Message, e);
            }
            if (examples.IsEmpty)
            {
                throw new CliException(examples.Message ?? $"{file}: shorter than one VGGish example (0.975 s).");
            }
            int? label = classNames is null ? null : LabelOf(file, classNames);
            string stem = new(Path.GetFileNameWithoutExtension(file).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
            string id = stem;
            for (int n = 2; !used.Add(id); n++)
            {
                id = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}");
            }
            for (int k = 0; k < Math.Min(examples.Count, s.MaxExamples ?? int.MaxValue); k++)
            {
                items.Add(new EvaluationItem(string.Create(CultureInfo.InvariantCulture, $"{id}-e{k:D3}"), examples.ExampleMatrix(k), label));
            }
        }
        if (s.Synthetic > 0)
        {
            var counts = new Dictionary<AnimalClass, int>();
            foreach (var example in SyntheticExamples.Generate(s.Synthetic, SyntheticAnimalModel.HeldOutFirstSeed))
            {
                int n = counts.GetValueOrDefault(example.Label);
                counts[example.Label] = n + 1;
                items.Add(new EvaluationItem(string.Create(CultureInfo.InvariantCulture, $"synthetic-{example.Label.ToString().ToLowerInvariant()}-{n:D3}"),
                    example.LogMel, classNames is null ? null : (int)example.Label));
            }
        }
        return items;
    }

    /// <summary>The class named by a word of the file's name or, failing that, of its nearest folder that names one
    /// (words split at '-', '_', '.' and spaces; a word must equal the class name or its plural: "synthetic-bird.wav",
    /// "dogs/clip1.wav"). Null when nothing names a class.</summary>
    private static int? LabelOf(string file, IReadOnlyList<string> classNames)
    {
        var names = new[] { Path.GetFileNameWithoutExtension(file) }.Concat(Path.GetFullPath(file).Split(Path.DirectorySeparatorChar).Reverse().Skip(1));
        foreach (var name in names)
        {
            foreach (var word in name.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                for (int c = 0; c < classNames.Count; c++)
                {
                    if (word.Equals(classNames[c], StringComparison.OrdinalIgnoreCase) || word.Equals(classNames[c] + "s", StringComparison.OrdinalIgnoreCase))
                    {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private static void WriteFigures(ClipEvaluation clip, EvaluationItem item, IReadOnlyList<float[,]> maps, string folder)
    {
        var panels = new List<MapPanel> { new("log-mel", item.Input, "log mel", HeatmapColors.Magma) };
        panels.AddRange(clip.Explainers.Select((name, k) => new MapPanel(name, maps[k], "relevance")));
        MapGridFigure.Save(Path.Combine(folder, "explainers.png"), panels, ModelChoice.VggishAxes, new MapGridStyle { Title = $"{clip.Id}: explainers compared", Columns = 3 });
        foreach (var explainer in clip.Explainers)
        {
            var curves = clip.Replacements.SelectMany(r => new[]
            {
                clip.Curve(explainer, r, FlipOrder.MostRelevantFirst), clip.Curve(explainer, r, FlipOrder.LeastRelevantFirst), clip.Curve(null, r, FlipOrder.Random),
            });
            FlippingFigure.Save(Path.Combine(folder, $"flipping-{explainer}.png"), curves, $"Pixel flipping · {explainer} · {clip.Id}");
        }
    }

    /// <summary>Per explainer, the dataset's mean similarity curves.</summary>
    private static void WriteMeanCurves(DatasetEvaluationSummary summary, string folder)
    {
        var first = summary.Clips[0];
        foreach (var explainer in summary.Explainers)
        {
            var curves = first.Replacements.SelectMany(r => new[] { FlipOrder.MostRelevantFirst, FlipOrder.LeastRelevantFirst, FlipOrder.Random }.Select(order =>
            {
                var all = summary.Clips.Select(c => c.Curve(order == FlipOrder.Random ? null : explainer, r, order)).ToList();
                var mean = Enumerable.Range(0, all[0].Similarity.Length).Select(k => all.Average(c => c.Similarity[k])).ToArray();
                return all[0] with { Similarity = mean, ClassProbability = null, PredictedClass = null };
            })).ToList();
            FlippingFigure.Save(Path.Combine(folder, $"flipping-{explainer}.png"), curves, $"Pixel flipping · {explainer} · mean over {summary.Clips.Count} clip(s)");
        }
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
