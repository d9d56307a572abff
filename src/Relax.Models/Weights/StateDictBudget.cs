using static TorchSharp.torch;

namespace Relax.Models.Weights;

/// <summary>
/// How many bytes a weights file may make <see cref="StateDictFile.Load(string, StateDictBudget?)"/> allocate: per
/// tensor and in all, checked against what the file declares (zip entry sizes, tensor headers, storage counts) before
/// any tensor data is read or inflated, so that a small file cannot claim gigabytes. <see cref="For"/> derives it from the
/// architecture the file is meant for; <see cref="Default"/> serves files whose contents are not known in advance, and a
/// caller with an unusual model passes its own.
/// </summary>
/// <param name="MaxTensorBytes">The largest single tensor (or storage, or zip entry), in bytes; at least 1.</param>
/// <param name="MaxTotalBytes">All tensors together, in bytes; at least <paramref name="MaxTensorBytes"/>.</param>
public sealed record StateDictBudget(long MaxTensorBytes, long MaxTotalBytes)
{
    /// <summary>The largest single tensor, in bytes.</summary>
    public long MaxTensorBytes { get; init; } = MaxTensorBytes >= 1
        ? MaxTensorBytes
        : throw new ArgumentOutOfRangeException(nameof(MaxTensorBytes), MaxTensorBytes, "The budget must be at least 1 byte.");

    /// <summary>All tensors together, in bytes.</summary>
    public long MaxTotalBytes { get; init; } = MaxTotalBytes >= MaxTensorBytes
        ? MaxTotalBytes
        : throw new ArgumentOutOfRangeException(nameof(MaxTotalBytes), MaxTotalBytes, "The total budget must be at least the per-tensor budget.");

    /// <summary>For files of unknown content: 1 GiB per tensor, 2 GiB in all (Google's VGGish, the largest model Relax ships a loader for, needs 0.55 GiB in float64).</summary>
    public static StateDictBudget Default { get; } = new(1L << 30, 2L << 30);

    /// <summary>The budget of a file meant for <paramref name="module"/>: its largest tensor and its total size, both in
    /// float64 (the widest dtype a checkpoint may store), plus 1 MiB of slack in all for small extra entries.</summary>
    public static StateDictBudget For(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var sizes = module.state_dict().Values.Select(t => t.numel() * sizeof(double)).ToList();
        long largest = Math.Max(1, sizes.DefaultIfEmpty(0).Max());
        return new StateDictBudget(largest, sizes.Sum() + (1L << 20));
    }

    /// <summary>Counts one more tensor of <paramref name="bytes"/> against the budget.</summary>
    /// <exception cref="WeightsFormatException">It, or the running total, is over budget.</exception>
    internal void Charge(string path, string what, long bytes, ref long total)
    {
        if (bytes < 0 || bytes > MaxTensorBytes)
        {
            throw new WeightsFormatException($"{path}: {what} declares {bytes:N0} bytes, more than the {MaxTensorBytes:N0} one tensor of this model may take; the file is not for this model, or is hostile (pass a larger StateDictBudget for an unusual model).");
        }
        total += bytes;
        if (total > MaxTotalBytes)
        {
            throw new WeightsFormatException($"{path}: its tensors declare more than the {MaxTotalBytes:N0} bytes this model's weights may take in all (pass a larger StateDictBudget for an unusual model).");
        }
    }
}
