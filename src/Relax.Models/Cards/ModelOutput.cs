using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>Which of an exported model's outputs is the embedding, and how it becomes one vector per example. Part of
/// a <see cref="ModelCard"/>.</summary>
/// <param name="Name">The output's name where outputs have names (an ONNX graph); it wins over
/// <paramref name="Index"/> there. Null to choose by index. A TorchScript tuple's outputs have no names: they are
/// chosen by index, so one card with both serves a model exported both ways.</param>
/// <param name="Index">The output's position among the model's outputs (a TorchScript tuple's element, an ONNX graph's
/// output); 0 when there is one.</param>
/// <param name="Reduce">How a (N, T, D) output becomes (N, D); <see cref="OutputReduction.None"/> for an output that is
/// (N, D) already.</param>
public sealed record ModelOutput(string? Name, int Index, OutputReduction Reduce)
{
    /// <summary>The first output, taken as it is: (N, D).</summary>
    public static ModelOutput First { get; } = new(null, 0, OutputReduction.None);

    /// <summary>The embedding (N, D) of the chosen output: reduced as <see cref="Reduce"/> says, float32.</summary>
    /// <param name="output">The model's chosen output.</param>
    /// <param name="source">The model file, for messages.</param>
    /// <returns>A new tensor the caller owns.</returns>
    /// <exception cref="ModelException">The output's shape does not fit the reduction (a (N, T, D) output without one,
    /// a reduction of a (N, D) output, a token past T); one line.</exception>
    public Tensor Embedding(Tensor output, string source)
    {
        ArgumentNullException.ThrowIfNull(output);
        var shape = string.Join(", ", output.shape);
        var chosen = Name is null ? $"output {Index}" : $"output '{Name}'";
        switch (output.dim())
        {
            case 2 when Reduce == OutputReduction.None:
                return output.to(ScalarType.Float32).alias();
            case 3 when Reduce == OutputReduction.Mean:
                return output.to(ScalarType.Float32).mean([1]);
            case 3 when Reduce.Kind == "token" && Reduce.TokenIndex >= -output.shape[1] && Reduce.TokenIndex < output.shape[1]:
                return output.to(ScalarType.Float32).select(1, Reduce.TokenIndex);
            case 3 when Reduce.Kind == "token":
                throw new ModelException($"{source}: {chosen} is ({shape}), with {output.shape[1]} tokens; the card's output.reduce asks for {Reduce}.");
            case 3:
                throw new ModelException($"{source}: {chosen} is ({shape}), (N, T, D); set the card's output.reduce to \"mean\" or \"token:K\" to make one vector per example.");
            case 2:
                throw new ModelException($"{source}: {chosen} is ({shape}), one vector per example already; set the card's output.reduce to \"none\".");
            default:
                throw new ModelException($"{source}: {chosen} is ({shape}); an embedding output is (N, D) or (N, T, D).");
        }
    }
}
