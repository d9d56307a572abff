using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish;

/// <summary>Copies a state dictionary into a module after checking that names and shapes match exactly and that every
/// value is a finite floating-point number: integer or boolean tensors would be cast silently into nonsense weights, and
/// one NaN makes every embedding NaN.</summary>
public static class VGGishStateDict
{
    /// <summary>Checks <paramref name="tensors"/> against <paramref name="module"/>'s state dictionary and copies them in
    /// (converting dtype and device as needed).</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="tensors">Name → tensor, for example from <see cref="StateDictFile.Load(string, StateDictBudget?)"/>.</param>
    /// <param name="source">Names the source in error messages (a file path).</param>
    /// <exception cref="VGGishWeightsMismatchException">A key is missing, unexpected, has another shape, is not floating
    /// point, or holds NaN or infinite values; every offending key is listed and nothing is copied.</exception>
    public static void Apply(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var targets = module.state_dict();
        var problems = new List<string>();
        foreach (var (name, target) in targets)
        {
            if (!tensors.TryGetValue(name, out var value))
            {
                problems.Add($"missing: {name} ({Shape(target)})");
            }
            else if (!value.shape.SequenceEqual(target.shape))
            {
                problems.Add($"shape: {name} is ({Shape(value)}), expected ({Shape(target)})");
            }
            else if (!value.is_floating_point())
            {
                problems.Add($"dtype: {name} is {value.dtype}; weights must be floating point (float32, float64, float16 or bfloat16)");
            }
            else if (NonFinite(value) is var bad and > 0)
            {
                problems.Add($"values: {name} holds {bad} NaN or infinite value(s)");
            }
        }
        foreach (var name in tensors.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"unexpected: {name} ({Shape(tensors[name])})");
        }
        if (problems.Count > 0)
        {
            throw new VGGishWeightsMismatchException(source, problems);
        }
        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            target.copy_(tensors[name]);
        }
    }

    /// <summary>Loads a weights file (any <see cref="StateDictFormat"/>) into <paramref name="module"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="Weights.WeightsFormatException">It is truncated, corrupt or of a format that is not read.</exception>
    /// <exception cref="VGGishWeightsMismatchException">Its tensors do not fit the module.</exception>
    public static void Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var tensors = StateDictFile.Load(path, StateDictBudget.For(module));
        try
        {
            Apply(module, tensors, path);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);

    private static long NonFinite(Tensor t)
    {
        using var scope = NewDisposeScope();
        return isfinite(t).logical_not().sum().item<long>();
    }
}
