// Relax for .NET — sample 04: train the shipped default model.
//
// Regenerates the compact VGGish-pattern network that `relax explain` uses when no official VGGish weights are
// installed, from a fixed seed, on procedurally generated dog / cat / bird sounds whose evidence regions are known.
//
//   dotnet run --project samples/04-TrainDefaultModel -c Release -- [--per-class N] [--epochs E] [--seed S] [--out FILE]
//
// With the defaults it reproduces src/Relax.Synthetic/DefaultModel/synthetic-animals-compact.safetensors
// (bit for bit on the same CPU and thread count) and reports its held-out accuracy.
using System.Diagnostics;
using System.Globalization;
using Relax.Models.VGGish;
using Relax.Synthetic;
using static TorchSharp.torch;

int perClass = SyntheticAnimalModel.TrainingExamplesPerClass, epochs = new TrainingOptions().Epochs;
long seed = new TrainingOptions().Seed;
string output = Path.Combine("relax-output", "default-model", SyntheticAnimalModel.FileName);
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--per-class" when i + 1 < args.Length: perClass = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--epochs" when i + 1 < args.Length: epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed" when i + 1 < args.Length: seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        default:
            Console.Error.WriteLine("Usage: [--per-class N] [--epochs E] [--seed S] [--out FILE]");
            return 2;
    }
}

Console.WriteLine("Relax for .NET — 04: train the default model");
Console.WriteLine();
var clock = Stopwatch.StartNew();

// 1. Data: generated clips, one VGGish example each, with known evidence regions.
Console.WriteLine($"1. Generating {perClass} training and {SyntheticAnimalModel.HeldOutExamplesPerClass} held-out clips per class (dog, cat, bird)…");
var train = SyntheticExamples.Generate(perClass, SyntheticAnimalModel.TrainingFirstSeed);
var heldOut = SyntheticExamples.Generate(SyntheticAnimalModel.HeldOutExamplesPerClass, SyntheticAnimalModel.HeldOutFirstSeed);
var (trainX, trainY) = Flatten(train);
var (testX, testY) = Flatten(heldOut);
Console.WriteLine($"   {train.Count} + {heldOut.Count} examples in {clock.Elapsed.TotalSeconds:F1} s.");

// 2. Training.
var options = new TrainingOptions { Epochs = epochs, Seed = seed };
Console.WriteLine($"2. Training {Describe(VGGishArchitecture.Compact)} for {options.Epochs} epochs (Adam, lr {options.LearningRate}, batch {options.BatchSize}, seed {options.Seed}, {get_num_threads()} threads)…");
var progress = new SyncProgress<TrainingProgress>(p => Console.WriteLine($"   epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, training accuracy {p.Accuracy:P1}"));
using var model = ClassifierTrainer.Train(VGGishArchitecture.Compact, trainX, trainY, 3, options, progress);

// 3. Held-out accuracy.
var predicted = ClassifierTrainer.Predict(model, testX, testY.Length);
double accuracy = predicted.Zip(testY, (p, y) => p == y ? 1.0 : 0.0).Average();
Console.WriteLine($"3. Held-out accuracy: {accuracy:P1} on {testY.Length} clips (target ≥ 95 %).");
Console.WriteLine("   confusion (rows: true dog, cat, bird; columns: predicted):");
for (int t = 0; t < 3; t++)
{
    Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, 3).Select(p => predicted.Where((v, i) => testY[i] == t && v == p).Count().ToString(CultureInfo.InvariantCulture).PadLeft(5))));
}

// 4. Save, and compare with the shipped model.
SyntheticAnimalModel.Save(model, output);
Console.WriteLine($"4. Wrote {Path.GetFullPath(output)} ({new FileInfo(output).Length / 1024.0 / 1024.0:F1} MB).");
if (!SyntheticAnimalModel.IsAvailable)
{
    Console.WriteLine("   This build carries no shipped model to compare with.");
}
else
{
    using var shipped = SyntheticAnimalModel.LoadClassifier();
    double maxDiff = SyntheticAnimalModel.MaxAbsDifference(model, shipped);
    Console.WriteLine(maxDiff == 0
        ? "   Identical, bit for bit, to the shipped default model."
        : $"   Differs from the shipped default model by at most {maxDiff:E2} per weight (another CPU, thread count or setting).");
}
Console.WriteLine($"   Total {clock.Elapsed.TotalSeconds:F0} s.");
return accuracy >= 0.95 ? 0 : 1;

static (float[] X, int[] Y) Flatten(IReadOnlyList<LabelledExample> examples)
{
    var x = new float[examples.Count * 96 * 64];
    for (int n = 0; n < examples.Count; n++)
    {
        Buffer.BlockCopy(examples[n].LogMel, 0, x, n * 96 * 64 * sizeof(float), 96 * 64 * sizeof(float));
    }
    return (x, examples.Select(e => (int)e.Label).ToArray());
}

static string Describe(VGGishArchitecture a) => $"a compact VGGish (channels {string.Join("-", a.Channels)}, hidden {a.Hidden}, embedding {a.EmbeddingSize})";

internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
