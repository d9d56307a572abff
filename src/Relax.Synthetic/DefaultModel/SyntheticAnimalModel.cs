using System.Security.Cryptography;
using Relax.Classification;
using Relax.Models;
using Relax.Models.VGGish;
using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Synthetic;

/// <summary>
/// The default model that ships with Relax for .NET, so that explanations work offline without Google's weights: a
/// compact network in VGGish's layer pattern (<see cref="VGGishArchitecture.Compact"/>) with a dog / cat / bird
/// classifier, trained by <c>samples/04-TrainDefaultModel</c> from a fixed seed on procedurally generated sounds
/// (<c>Relax.Synthetic</c>) whose evidence regions are known. It is not VGGish and knows nothing of real
/// recordings beyond what the generator imitates: reports always name it.
/// </summary>
public static class SyntheticAnimalModel
{
    /// <summary>The weights file's name (embedded in this assembly).</summary>
    public const string FileName = "synthetic-animals-compact.safetensors";

    /// <summary>Training clips per class.</summary>
    public const int TrainingExamplesPerClass = 200;

    /// <summary>Held-out clips per class for the reported accuracy.</summary>
    public const int HeldOutExamplesPerClass = 100;

    /// <summary>Seed of the first training clip.</summary>
    public const int TrainingFirstSeed = 0;

    /// <summary>Seed of the first held-out clip (far from the training seeds).</summary>
    public const int HeldOutFirstSeed = 1_000_000;

    private const string ResourceName = "Relax.Synthetic.DefaultModel." + FileName;

    /// <summary>Class names, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["dog", "cat", "bird"];

    /// <summary>Whether this build carries the weights (false only while the model is being created).</summary>
    public static bool IsAvailable => typeof(SyntheticAnimalModel).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>A one-line description with the first 12 hex digits of the weights' SHA-256.</summary>
    public static string Identity
    {
        get
        {
            using var stream = OpenResource();
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
            return $"Relax default model (compact VGGish 16-32-64-64-128-128, trained on synthetic dog/cat/bird sounds; not Google's VGGish), weights sha256 {hash}";
        }
    }

    /// <summary>Writes a trained model's weights (safetensors, atomically).</summary>
    public static void Save(AnimalSoundClassifier model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        StateDictFile.Save(path, model.state_dict(), StateDictFormat.Safetensors);
    }

    /// <summary>Loads the classifier from <paramref name="path"/>, or the shipped weights when null.</summary>
    /// <exception cref="InvalidOperationException">No path was given and this build has no embedded weights.</exception>
    public static AnimalSoundClassifier LoadClassifier(string? path = null)
    {
        var model = new AnimalSoundClassifier(VGGishArchitecture.Compact, ClassNames.Count);
        try
        {
            Dictionary<string, Tensor> tensors;
            if (path is null)
            {
                // The shipped weights, read straight from the assembly (no temporary file to leave behind).
                using var stream = OpenResource();
                tensors = TorchSharp.PyBridge.Safetensors.LoadStateDict(stream);
            }
            else
            {
                tensors = StateDictFile.Load(path, StateDictBudget.For(model));
            }
            try
            {
                VGGishStateDict.Apply(model, tensors, path ?? "the shipped default model");
            }
            finally
            {
                foreach (var t in tensors.Values)
                {
                    t.Dispose();
                }
            }
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the shipped model: its embedder, its dog / cat / bird head with <see cref="ClassNames"/>, and
    /// its layers for LRP (<see cref="DefaultModelProvider"/> is the same as a model provider).</summary>
    /// <param name="options">Device, dtype and batch size of the embedder.</param>
    public static AudioModel Load(VGGishEmbedderOptions? options = null) => Load(options, notice: null);

    /// <summary><see cref="Load(VGGishEmbedderOptions?)"/> with advice for the user (<see cref="AudioModel.Notice"/>).</summary>
    internal static AudioModel Load(VGGishEmbedderOptions? options, string? notice)
    {
        using var classifier = LoadClassifier();
        var (weights, bias) = classifier.HeadParameters();
        return classifier.CreateEmbedder(options).AsModel(Identity, new LinearSoftmaxClassifier(weights, bias), ClassNames, notice);
    }

    /// <summary>The largest absolute difference between the weights of two models of the same shape.</summary>
    public static double MaxAbsDifference(AnimalSoundClassifier a, AnimalSoundClassifier b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var other = b.state_dict();
        double max = 0;
        foreach (var (name, tensor) in a.state_dict())
        {
            using var diff = (tensor.to(ScalarType.Float64) - other[name].to(ScalarType.Float64)).abs().max();
            max = Math.Max(max, diff.item<double>());
        }
        return max;
    }

    private static Stream OpenResource() =>
        typeof(SyntheticAnimalModel).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException(
            $"This build of Relax.Synthetic carries no default model ({FileName}). Train it with samples/04-TrainDefaultModel and copy it to src/Relax.Synthetic/DefaultModel/.");
}
