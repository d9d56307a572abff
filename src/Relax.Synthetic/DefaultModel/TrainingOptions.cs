namespace Relax.Synthetic;

/// <summary>Settings of <see cref="ClassifierTrainer"/>, checked when set.</summary>
public sealed record TrainingOptions
{
    private readonly int _epochs = 8;
    private readonly int _batchSize = 32;
    private readonly double _learningRate = 1e-3;

    /// <summary>Passes over the training set, ≥ 1. Default 8.</summary>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "At least one epoch.");
    }

    /// <summary>Examples per step, ≥ 1. Default 32.</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "At least 1.");
    }

    /// <summary>Adam's learning rate, in (0, 1). Default 0.001.</summary>
    public double LearningRate
    {
        get => _learningRate;
        init => _learningRate = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Use a rate in (0, 1).");
    }

    /// <summary>Seed of the initial weights and of the example order.</summary>
    public long Seed { get; init; } = 1;
}

/// <summary>Progress of training, reported after each epoch.</summary>
/// <param name="Epoch">Epochs done.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Loss">Mean training loss of the epoch.</param>
/// <param name="Accuracy">Training accuracy of the epoch.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, double Loss, double Accuracy);
