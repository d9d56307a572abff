using System.CommandLine;
using System.Globalization;
using System.Text;
using Relax.Evaluation;
using Relax.Hosting;
using Relax.IO;
using Relax.Models;
using Relax.Plots;
using Relax.Runs;
using static TorchSharp.torch;

namespace Relax.Cli.Commands;

/// <summary><c>relax latent</c>: the latent space of a corpus — one embedding per recording (the mean over its
/// examples), a PCA map and a t-SNE map coloured by label, and the recordings whose nearest neighbours mostly belong
/// to another class.</summary>
internal static class LatentCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "WAV files, or folders searched recursively for *.wav; a recording's label is its parent folder's name unless --labels says otherwise.", Arity = ArgumentArity.OneOrMore };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write: embeddings.npy, labels.csv, pca.csv/png, tsne.csv/png, outliers.csv.", Required = true };
        var labels = new Option<string?>("--labels") { Description = "A CSV of path,label rows." };
        var pad = CliOptions.Pad();
        var perplexity = new Option<double?>("--perplexity") { Description = "t-SNE perplexity, below the number of recordings. Default: scikit-learn's 30, or (recordings − 1) / 3 for fewer than 91 recordings." }.InRange(1.0, 10_000.0);
        var neighbours = new Option<int>("--neighbours", "-k") { Description = "Neighbours that decide whether a recording is an outlier.", DefaultValueFactory = _ => 10 }.InRange(1, 1000);
        var device = CliOptions.Device();
        var model = new ModelOptions(context.Models, "Official VGGish weights. Default: $RELAX_VGGISH_WEIGHTS, the cache, else the shipped default model.");
        var command = new Command("latent", "Map a corpus's latent space (PCA and t-SNE of clip embeddings) and list recordings that sit among another class.")
        {
            inputs, outputDir, labels, pad, perplexity, neighbours, device, model.Model, model.Weights, model.ModelCard,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () => Run(
            parse.GetRequiredValue(inputs), parse.GetRequiredValue(outputDir), parse.GetValue(labels), parse.GetValue(pad), parse.GetValue(perplexity),
            parse.GetValue(neighbours), model.Request(parse, parse.GetRequiredValue(device), ScalarType.Float32, batchSize: 64), context)));
        return command;
    }

    /// <summary>Examples embedded at a time.</summary>
    private const int ExamplesPerChunk = 64;

    /// <summary>A waveform example as the (1 × S) input a waveform model's embedder takes.</summary>
    private static float[,] AsRow(float[] samples)
    {
        var row = new float[1, samples.Length];
        Buffer.BlockCopy(samples, 0, row, 0, samples.Length * sizeof(float));
        return row;
    }

    private static void Run(string[] inputs, string output, string? labelsFile, bool pad, double? perplexityGiven, int k, ModelRequest request, CliContext context)
    {
        var corpus = CorpusInputs.Find(inputs, labelsFile, CliOptions.FrontEnd(pad, 0.96), context.Error);
        using var model = context.LoadModel(request);
        // An exported model read by samples: its own examples (a waveform model embeds their samples).
        bool samples = model.Input is WaveformInput;
        if (model.Input is WaveformInput waveform)
        {
            var (reader, cells) = ModelExamples.Waveform(waveform, null, pad, model.Identity);
            corpus = corpus.ForWaveformModel(reader, cells);
        }
        else if (model.Input is LogMelInput { IsVGGishLogMel: false } logMel)
        {
            var (reader, analysis) = ModelExamples.LogMel(logMel, null, pad, model.Identity);
            corpus = corpus.ForLogMelModel(reader, analysis);
        }
        RelaxCli.CheckWritableFolder(output);
        NativeNnpack.DisableIfUnavailable(); // host policy: no futile NNPACK attempt (and its warning) per convolution
        context.Output.WriteLine($"Model: {model.Identity}");
        RelaxCli.WriteNotice(context.Output, model.Notice);

        var ids = new List<string>();
        var labels = new List<string>();
        var sources = new List<string>();
        var rows = new List<float[]>();
        foreach (var recording in corpus)
        {
            var examples = recording.Load();
            if (examples.Inputs.Count == 0)
            {
                context.Error.WriteLine($"relax: warning: {recording.Id}: left out: {examples.Problem}");
                continue;
            }
            // In chunks of examples, so that a long recording's examples are never all in memory at once.
            int count = examples.Inputs.Count;
            float[]? mean = null;
            for (int start = 0; start < count; start += ExamplesPerChunk)
            {
                var chunk = Enumerable.Range(start, Math.Min(ExamplesPerChunk, count - start))
                    .Select(k => samples ? AsRow(examples.Waveforms![k]) : examples.Inputs[k]).ToList();
                var embeddings = model.Embedder.EmbedExamples(chunk);
                mean ??= new float[embeddings.GetLength(1)];
                for (int e = 0; e < embeddings.GetLength(0); e++)
                {
                    for (int c = 0; c < mean.Length; c++)
                    {
                        mean[c] += embeddings[e, c] / count;
                    }
                }
            }
            ids.Add(recording.Id);
            labels.Add(recording.Label ?? CorpusReport.Unlabelled);
            sources.Add(recording.Source ?? recording.Id);
            rows.Add(mean!);
        }
        int n = rows.Count;
        if (n < 3)
        {
            throw new CliException($"{n} recording(s) with an example: a map needs at least 3.");
        }
        if (perplexityGiven >= n)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--perplexity {perplexityGiven} must be below the number of recordings ({n})."));
        }
        double perplexity = perplexityGiven ?? DefaultPerplexity(n);
        if (perplexityGiven is null && perplexity < DefaultPerplexity(int.MaxValue))
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"t-SNE perplexity {perplexity:0.##}: scikit-learn's default 30 needs more than 90 recordings, so (recordings − 1) / 3 for {n}; --perplexity sets another."));
        }
        if (k >= n)
        {
            throw new CliException($"--neighbours {k} must be below the number of recordings ({n}).");
        }

        var points = new double[n, rows[0].Length];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < rows[i].Length; c++)
            {
                points[i, c] = rows[i][c];
            }
        }
        Directory.CreateDirectory(output);
        NpyFile.Write(Path.Combine(output, "embeddings.npy"), rows.SelectMany(r => r).ToArray(), [n, rows[0].Length]);
        WriteCsv(Path.Combine(output, "labels.csv"), "recording,label,file", Enumerable.Range(0, n).Select(i => $"{CsvCell.Text(ids[i])},{CsvCell.Text(labels[i])},{CsvCell.Text(sources[i])}"));

        var (pca, explained) = LatentSpace.Pca(points);
        var (tsne, kl) = TSne.Fit(points, new TSneOptions { Perplexity = perplexity });
        foreach (var (name, map, title) in new[]
        {
            ("pca", pca, string.Create(CultureInfo.InvariantCulture, $"PCA of clip embeddings ({explained[0]:P0} + {explained[1]:P0} of the variance)")),
            ("tsne", tsne, string.Create(CultureInfo.InvariantCulture, $"t-SNE of clip embeddings ({(n > TSne.ExactLimit ? "Barnes–Hut, " : "")}perplexity {perplexity}, KL {kl:F2})")),
        })
        {
            WriteCsv(Path.Combine(output, $"{name}.csv"), "recording,label,x,y",
                Enumerable.Range(0, n).Select(i => string.Create(CultureInfo.InvariantCulture, $"{CsvCell.Text(ids[i])},{CsvCell.Text(labels[i])},{map[i, 0]:R},{map[i, 1]:R}")));
            var series = labels.Distinct().Order(StringComparer.Ordinal).Select(label =>
            {
                var members = Enumerable.Range(0, n).Where(i => labels[i] == label).ToList();
                return new CurveSeries(label, members.Select(i => map[i, 0]).ToArray(), members.Select(i => map[i, 1]).ToArray());
            }).ToList();
            ScatterFigure.Save(Path.Combine(output, $"{name}.png"), series, new CurveStyle { Title = title, XLabel = name == "pca" ? "PC 1" : "t-SNE 1", YLabel = name == "pca" ? "PC 2" : "t-SNE 2" });
        }

        var outliers = LatentSpace.Outliers(points, labels, k);
        WriteCsv(Path.Combine(output, "outliers.csv"), "recording,label,resembles,other_share,file",
            outliers.Select(o => string.Create(CultureInfo.InvariantCulture, $"{CsvCell.Text(ids[o.Index])},{CsvCell.Text(o.Label)},{CsvCell.Text(o.Resembles)},{o.OtherShare:0.##},{CsvCell.Text(sources[o.Index])}")));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{n} recording(s), {labels.Distinct().Count()} label(s); PCA explains {explained[0] + explained[1]:P0}; t-SNE KL {kl:F3}; {outliers.Count} outlier(s) (most of their {k} nearest neighbours of another class):"));
        foreach (var o in outliers.Take(20))
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {ids[o.Index]} ({o.Label}) sits among {o.Resembles} ({o.OtherShare:P0} of its neighbours); explain it: relax explain {sources[o.Index]} -o explain-{ids[o.Index].Replace('/', '-')}"));
        }
        context.Output.WriteLine($"Wrote {Path.GetFullPath(output)}");
    }

    /// <summary>scikit-learn's default perplexity, 30, or (n − 1) / 3 when that is smaller: t-SNE calibrates each point
    /// on about three times the perplexity's neighbours, so a small corpus needs a smaller one.</summary>
    internal static double DefaultPerplexity(int recordings) => Math.Min(30, (recordings - 1) / 3.0);

    private static void WriteCsv(string path, string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

}
