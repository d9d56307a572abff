using Relax.Models.VGGish;
using static TorchSharp.torch;

namespace Relax.Synthetic;

/// <summary>
/// Trains an <see cref="AnimalSoundClassifier"/> on log-mel examples with cross-entropy and Adam, on the CPU.
/// Deterministic: the same seed, data and thread count give the same weights on the same machine.
/// </summary>
public static class ClassifierTrainer
{
    /// <summary>Creates a model from <see cref="TrainingOptions.Seed"/> and trains it.</summary>
    /// <param name="architecture">Widths of the embedding network.</param>
    /// <param name="examples">Training examples, (n, 96, 64) in C order.</param>
    /// <param name="labels">Class of each example, in [0, classes).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="options">Epochs, batch size, learning rate, seed.</param>
    /// <param name="progress">Receives a report after each epoch.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    public static AnimalSoundClassifier Train(VGGishArchitecture architecture, float[] examples, int[] labels, int classes,
        TrainingOptions? options = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new TrainingOptions();
        const int per = VGGishNetwork.Frames * VGGishNetwork.Bands;
        if (examples.Length != labels.Length * per || labels.Length == 0)
        {
            throw new ArgumentException($"Expected {labels.Length} × {per} values for {labels.Length} labels; got {examples.Length}.", nameof(examples));
        }
        if (labels.Any(l => l < 0 || l >= classes))
        {
            throw new ArgumentException($"Labels must lie in [0, {classes}).", nameof(labels));
        }

        manual_seed(options.Seed);
        var model = new AnimalSoundClassifier(architecture, classes);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        using var x = tensor(examples, new long[] { labels.Length, 1, VGGishNetwork.Frames, VGGishNetwork.Bands });
        using var y = tensor(labels.Select(l => (long)l).ToArray());
        var random = new Random(unchecked((int)options.Seed));
        var order = Enumerable.Range(0, labels.Length).ToArray();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = tensor(order[start..Math.Min(order.Length, start + options.BatchSize)].Select(i => (long)i).ToArray());
                var logits = model.call(x.index_select(0, index));
                var target = y.index_select(0, index);
                var loss = nn.functional.cross_entropy(logits, target);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * index.shape[0];
                correct += (int)logits.argmax(1).eq(target).sum().item<long>();
            }
            progress?.Report(new TrainingProgress(epoch, options.Epochs, lossSum / order.Length, (double)correct / order.Length));
        }
        model.eval();
        return model;
    }

    /// <summary>Accuracy of <paramref name="model"/> on labelled examples.</summary>
    public static double Accuracy(AnimalSoundClassifier model, float[] examples, int[] labels, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        return Predict(model, examples, labels.Length, batchSize).Zip(labels, (p, l) => p == l ? 1 : 0).Average();
    }

    /// <summary>Predicted class of each example.</summary>
    public static int[] Predict(AnimalSoundClassifier model, float[] examples, int count, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        using var noGrad = no_grad();
        using var x = tensor(examples, new long[] { count, 1, VGGishNetwork.Frames, VGGishNetwork.Bands });
        var result = new List<int>(count);
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var logits = model.call(x[start..Math.Min(count, start + batchSize)]);
            result.AddRange(logits.argmax(1).data<long>().ToArray().Select(v => (int)v));
        }
        return result.ToArray();
    }
}
