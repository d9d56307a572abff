using System.Diagnostics;
using System.Globalization;
using Relax.Audio;
using Relax.Classification;
using Relax.Evaluation;
using Relax.IO;
using Relax.Models.VGGish;
using Relax.Plots;
using Relax.Synthetic;
using static TorchSharp.torch;

namespace Relax.Samples;

/// <summary>Sample 01: clip embeddings (mean over a clip's 0.96 s examples), logistic regression with a fixed
/// per-class split, accuracy, confusion matrix and a PCA map of the latent space.</summary>
public static class EmbedAndClassifySample
{
    /// <summary>The study's set-up: 200 clips per class, 40 of them for testing.</summary>
    public static SampleSettings Defaults { get; } = new() { PerClass = 200, Test = 40, Output = Path.Combine("relax-output", "01-embed-and-classify") };

    /// <summary>Runs the sample; returns the process exit code.</summary>
    public static int Run(SampleSettings settings, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        Notebook.Begin(settings, output, "01: embed and classify dog / cat / bird clips");

        // 1. Data and the fixed split.
        output.WriteLine("1. Data");
        var folder = AnimalClips.ResolveFolder(settings, output);
        var (train, test, source) = folder is null ? Generate(settings) : Read(folder, settings, output);
        output.WriteLine($"   {source}");
        output.WriteLine($"   split per class (seed {settings.Seed}): " + string.Join(", ", AnimalClips.ClassNames.Select((n, c) =>
            $"{n} {train.Count(x => (int)x.Label == c)}/{test.Count(x => (int)x.Label == c)}")) + " (train/test)");
        output.WriteLine($"   {train.Concat(test).Sum(c => c.Examples.Count)} examples of 0.96 s; {train.Concat(test).Count(c => c.TooShort)} clips shorter than 0.975 s, padded with silence to one example (a partial last example is padded too).");

        // 2. The model.
        output.WriteLine("2. Model");
        var weights = new VGGishModelProvider().FindWeights(settings.Weights);
        using var embedder = weights is not null ? VGGishEmbedder.FromFiles(weights) : TrainCompact(train, settings, output);
        string identity = weights is not null
            ? $"Google VGGish ({weights}, raw 128-d embeddings)"
            : "compact VGGish-pattern network (16-32-64-64-128-128) trained in this run on the TRAINING split only — not Google's VGGish";
        output.WriteLine($"   Model: {identity}.");

        // 3. Clip embeddings.
        output.WriteLine("3. Embeddings: each clip's 128-d embedding is the mean over its examples.");
        var trainX = Embed(embedder, train);
        var testX = Embed(embedder, test);
        var trainY = train.Select(c => (int)c.Label).ToArray();
        var testY = test.Select(c => (int)c.Label).ToArray();
        Directory.CreateDirectory(settings.Output);
        NpyFile.Write(Path.Combine(settings.Output, "train-embeddings.npy"), trainX);
        NpyFile.Write(Path.Combine(settings.Output, "test-embeddings.npy"), testX);

        // 4. Logistic regression on the embeddings.
        output.WriteLine("4. Logistic regression (softmax, L2 0.01, standardised features) on the training embeddings");
        var classifier = SoftmaxRegression.Fit(trainX, trainY, AnimalClips.ClassNames.Count);
        var trainAccuracy = Accuracy(classifier.Predict(trainX), trainY);
        var predicted = classifier.Predict(testX);
        var accuracy = Accuracy(predicted, testY);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   test accuracy {accuracy:P1} on {testY.Length} clips (training {trainAccuracy:P1}); the study reports 97 % on 40 test clips with VGGish."));
        output.WriteLine("   confusion matrix (rows: true class, columns: predicted)");
        output.WriteLine("          " + string.Concat(AnimalClips.ClassNames.Select(n => n.PadLeft(6))));
        for (int t = 0; t < AnimalClips.ClassNames.Count; t++)
        {
            output.WriteLine("   " + AnimalClips.ClassNames[t].PadRight(6) + " " + string.Concat(Enumerable.Range(0, AnimalClips.ClassNames.Count)
                .Select(p => predicted.Where((v, i) => testY[i] == t && v == p).Count().ToString(CultureInfo.InvariantCulture).PadLeft(6))));
        }

        // 5. A map of the latent space.
        output.WriteLine("5. Latent space: PCA of all clip embeddings to 2-D");
        var all = new float[trainX.GetLength(0) + testX.GetLength(0), trainX.GetLength(1)];
        Buffer.BlockCopy(trainX, 0, all, 0, trainX.Length * sizeof(float));
        Buffer.BlockCopy(testX, 0, all, trainX.Length * sizeof(float), testX.Length * sizeof(float));
        var labels = trainY.Concat(testY).ToArray();
        var points = new double[all.GetLength(0), all.GetLength(1)];
        for (int i = 0; i < points.GetLength(0); i++)
        {
            for (int c = 0; c < points.GetLength(1); c++)
            {
                points[i, c] = all[i, c];
            }
        }
        var (xy, explained) = LatentSpace.Pca(points);
        var series = AnimalClips.ClassNames.Select((name, c) =>
        {
            var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            return new CurveSeries($"{name} ({rows.Length})", rows.Select(i => xy[i, 0]).ToArray(), rows.Select(i => xy[i, 1]).ToArray());
        }).Where(s => s.X.Count > 0).ToList();
        var figure = Path.Combine(settings.Output, "latent-space-pca.png");
        ScatterFigure.Save(figure, series, new CurveStyle
        {
            Title = $"Clip embeddings, PCA · {(weights is not null ? "VGGish" : "compact network trained here")} · {(folder is null ? "generated clips" : "recordings")}",
            XLabel = string.Create(CultureInfo.InvariantCulture, $"PC 1 ({explained[0]:P0} of variance)"),
            YLabel = string.Create(CultureInfo.InvariantCulture, $"PC 2 ({explained[1]:P0} of variance)"),
            Width = 900,
            Height = 650,
        });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   the first two components explain {explained[0]:P0} and {explained[1]:P0} of the variance → {Path.GetFullPath(figure)}"));

        // 6. t-SNE (the study's figure 2) and the clips that sit among another class ("one of the dog sounds appears
        //    highly similar to all bird sounds"), with the command that explains one.
        output.WriteLine("6. Latent space: t-SNE, and clips whose 10 nearest neighbours are mostly of another class");
        var (tsne, kl) = TSne.Fit(points, new TSneOptions { Perplexity = Math.Min(30, (points.GetLength(0) - 1) / 3.0) });
        var tsneFigure = Path.Combine(settings.Output, "latent-space-tsne.png");
        ScatterFigure.Save(tsneFigure, AnimalClips.ClassNames.Select((name, c) =>
        {
            var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            return new CurveSeries($"{name} ({rows.Length})", rows.Select(i => tsne[i, 0]).ToArray(), rows.Select(i => tsne[i, 1]).ToArray());
        }).Where(s => s.X.Count > 0).ToList(), new CurveStyle { Title = string.Create(CultureInfo.InvariantCulture, $"Clip embeddings, t-SNE (KL {kl:F2})"), XLabel = "t-SNE 1", YLabel = "t-SNE 2", Width = 900, Height = 650 });
        var names = train.Concat(test).Select(c => c.Name).ToArray();
        var outliers = LatentSpace.Outliers(points, labels.Select(l => AnimalClips.ClassNames[l]).ToArray(), k: Math.Min(10, points.GetLength(0) - 1));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {outliers.Count} of {points.GetLength(0)} clips sit among another class → {Path.GetFullPath(tsneFigure)}"));
        foreach (var o in outliers.Take(5))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {names[o.Index]} ({o.Label}) resembles {o.Resembles}: {o.OtherShare:P0} of its neighbours"));
        }
        if (outliers.Count > 0)
        {
            output.WriteLine($"   to see why: relax explain <its file> -o out   (or relax latent <folder> -o latent for the whole corpus)");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   done in {clock.Elapsed.TotalSeconds:F0} s."));
        return 0;
    }

    private static (List<AnimalClip> Train, List<AnimalClip> Test, string Source) Read(string folder, SampleSettings settings, TextWriter output)
    {
        var train = new List<AnimalClip>();
        var test = new List<AnimalClip>();
        var files = AnimalClips.ListFiles(folder, settings.Seed);
        int skipped = 0;
        for (int c = 0; c < files.Count; c++)
        {
            var clips = new List<AnimalClip>();
            foreach (var file in files[c].Take(settings.PerClass))
            {
                if (AnimalClips.Read(file, (AnimalClass)c, output) is { } clip)
                {
                    clips.Add(clip);
                }
                else
                {
                    skipped++;
                }
            }
            Split(clips, settings, train, test);
        }
        return (train, test, $"{train.Count + test.Count} recordings from {folder} ({skipped} unreadable, skipped).");
    }

    private static (List<AnimalClip> Train, List<AnimalClip> Test, string Source) Generate(SampleSettings settings)
    {
        var synthesizer = new AnimalSoundSynthesizer(new SynthesizerOptions { DurationSeconds = 2 });
        var frontEnd = new VGGishFrontEnd();
        var train = new List<AnimalClip>();
        var test = new List<AnimalClip>();
        foreach (var label in Enum.GetValues<AnimalClass>())
        {
            var clips = Enumerable.Range(0, settings.PerClass).Select(i =>
            {
                var clip = synthesizer.Generate(label, settings.Seed + i);
                var examples = frontEnd.FromWaveform(clip.Samples, clip.SampleRate);
                return new AnimalClip($"generated {label} #{settings.Seed + i}", label,
                    Enumerable.Range(0, examples.Count).Select(examples.ExampleMatrix).ToList(), null, false);
            }).ToList();
            Split(clips, settings, train, test);
        }
        return (train, test, $"{train.Count + test.Count} GENERATED clips of 2 s (Relax.Synthetic), not recordings.");
    }

    /// <summary>The last T clips of a class (in the seeded order) are its test clips; with fewer clips than asked,
    /// the same share.</summary>
    private static void Split(List<AnimalClip> clips, SampleSettings settings, List<AnimalClip> train, List<AnimalClip> test)
    {
        if (clips.Count < 2)
        {
            throw new InvalidOperationException($"A class has {clips.Count} readable clip(s); at least 2 are needed (one to train, one to test).");
        }
        int testCount = clips.Count >= settings.PerClass
            ? Math.Min(settings.Test, clips.Count - 1)
            : Math.Clamp((int)Math.Round((double)clips.Count * settings.Test / settings.PerClass), 1, clips.Count - 1);
        train.AddRange(clips.Take(clips.Count - testCount));
        test.AddRange(clips.Skip(clips.Count - testCount));
    }

    /// <summary>Trains the compact network as a dog/cat/bird classifier on (at most X examples of) each training clip,
    /// and returns its embedding network as an embedder.</summary>
    private static VGGishEmbedder TrainCompact(List<AnimalClip> train, SampleSettings settings, TextWriter output)
    {
        var examples = train.SelectMany(c => c.Examples.Take(settings.ExamplesPerClip).Select(e => (e, (int)c.Label))).ToList();
        const int per = VGGishNetwork.Frames * VGGishNetwork.Bands;
        var x = new float[examples.Count * per];
        for (int n = 0; n < examples.Count; n++)
        {
            Buffer.BlockCopy(examples[n].e, 0, x, n * per * sizeof(float), per * sizeof(float));
        }
        var y = examples.Select(e => e.Item2).ToArray();
        var options = new TrainingOptions { Epochs = settings.Epochs, Seed = settings.Seed };
        output.WriteLine($"   No official VGGish weights (--weights FILE, ${VGGishWeights.Network.EnvironmentVariable} or {VGGishWeights.DefaultCacheDirectory}).");
        output.WriteLine($"   Training the compact VGGish-pattern network on the TRAINING split only: {examples.Count} examples (≤ {settings.ExamplesPerClip} per clip), {options.Epochs} epochs, seed {options.Seed}, {get_num_threads()} threads…");
        var progress = new Progress(p => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, training accuracy {p.Accuracy:P1}")));
        using var classifier = ClassifierTrainer.Train(VGGishArchitecture.Compact, x, y, AnimalClips.ClassNames.Count, options, progress);
        return classifier.CreateEmbedder();
    }

    private static float[,] Embed(VGGishEmbedder embedder, List<AnimalClip> clips)
    {
        var result = new float[clips.Count, VGGishNetwork.EmbeddingSize];
        const int per = VGGishNetwork.Frames * VGGishNetwork.Bands;
        for (int i = 0; i < clips.Count; i++)
        {
            var examples = clips[i].Examples;
            var x = new float[examples.Count * per];
            for (int k = 0; k < examples.Count; k++)
            {
                Buffer.BlockCopy(examples[k], 0, x, k * per * sizeof(float), per * sizeof(float));
            }
            var e = embedder.Embed(x, examples.Count);
            for (int j = 0; j < e.GetLength(1); j++)
            {
                double sum = 0;
                for (int k = 0; k < examples.Count; k++)
                {
                    sum += e[k, j];
                }
                result[i, j] = (float)(sum / examples.Count);
            }
        }
        return result;
    }

    private static double Accuracy(int[] predicted, int[] truth) => predicted.Zip(truth, (p, t) => p == t ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average();

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
