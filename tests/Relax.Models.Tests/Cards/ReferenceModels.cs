using Relax.IO;
using static TorchSharp.torch;

namespace Relax.Models.Tests;

/// <summary>The exported models tools/reference/exported_models.py wrote (PyTorch 1.13, fixed seeds): their files and
/// cards, the fixed log-mel inputs and PyTorch's embeddings of them. Shared by the TorchScript and ONNX provider tests.</summary>
internal static class ReferenceModels
{
    /// <summary>tools/reference/models in the checkout.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "tools", "reference", "models");

    /// <summary>The model file <paramref name="name"/> with <paramref name="extension"/> (".pt", ".onnx").</summary>
    public static string File(string name, string extension) => Path.Combine(Folder, name + extension);

    /// <summary>The fixed inputs as examples (5, 1, 96, 64).</summary>
    public static (float[] Data, long[] Shape) Inputs()
    {
        var (data, shape) = NpyFile.Read(Path.Combine(Folder, "logmel-inputs.npy"));
        return (data, [shape[0], 1, shape[1], shape[2]]);
    }

    /// <summary>The fixed waveforms as examples (3, 1, 1, 16000).</summary>
    public static (float[] Data, long[] Shape) Waves()
    {
        var (data, shape) = NpyFile.Read(Path.Combine(Folder, "wave-inputs.npy"));
        return (data, [shape[0], 1, 1, shape[1]]);
    }

    /// <summary>PyTorch's embeddings (5, D) of <see cref="Inputs"/> by the model <paramref name="name"/>.</summary>
    public static (float[] Data, long[] Shape) Embeddings(string name) => NpyFile.Read(Path.Combine(Folder, name + "-embeddings.npy"));

    /// <summary>Embeds the fixed inputs (<see cref="Waves"/> for a waveform model, else <see cref="Inputs"/>) with
    /// <paramref name="model"/>, checks the shape against PyTorch's embeddings of <paramref name="name"/>, and returns
    /// the largest relative error of one embedding (<see cref="MaxRelativeError"/>).</summary>
    public static double ErrorAgainstPyTorch(AudioModel model, string name)
    {
        var (inputs, shape) = model.Input is WaveformInput ? Waves() : Inputs();
        var (expected, expectedShape) = Embeddings(name);
        using var x = tensor(inputs, shape);
        using var _ = no_grad();
        using var embeddings = model.Embedder.Embed(x);
        Assert.Equal(expectedShape, embeddings.shape);
        return MaxRelativeError(embeddings.data<float>().ToArray(), expected, (int)expectedShape[1]);
    }

    /// <summary>The largest relative error of one embedding, ‖a − b‖ / ‖b‖ over the rows of <paramref name="dimension"/>
    /// numbers (computed in float64).</summary>
    public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, int dimension)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int row = 0; row < expected.Length; row += dimension)
        {
            double error = 0, norm = 0;
            for (int i = row; i < row + dimension; i++)
            {
                error += Math.Pow(actual[i] - (double)expected[i], 2);
                norm += Math.Pow(expected[i], 2);
            }
            worst = Math.Max(worst, Math.Sqrt(error / norm));
        }
        return worst;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Relax.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("No Relax.sln above " + AppContext.BaseDirectory);
    }
}
