using System.Security.Cryptography;
using System.Text;

namespace Relax.Models;

/// <summary>
/// What an exported model (TorchScript or ONNX) needs to be explained, stated beside it in a small JSON file: its input
/// (<see cref="LogMelInput"/> or <see cref="WaveformInput"/>, with the preprocessing and the tensor layout) and which
/// output is the embedding (<see cref="ModelOutput"/>). Read with <see cref="Read"/> or <see cref="Parse"/>; every
/// field is checked and a wrong one is refused in one line that names the file, the field and what is accepted.
/// docs/models.md lists the fields with a complete example.
/// </summary>
public sealed record ModelCard
{
    /// <summary>The largest card file read (a card is a few hundred bytes).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Creates a card.</summary>
    /// <param name="name">A short name for reports; null for none.</param>
    /// <param name="input">What the model takes.</param>
    /// <param name="output">Which output is the embedding.</param>
    public ModelCard(string? name, ModelInput input, ModelOutput output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Name = name;
        Input = input;
        Output = output;
    }

    /// <summary>A short name for reports; null for none.</summary>
    public string? Name { get; }

    /// <summary>What the model takes.</summary>
    public ModelInput Input { get; }

    /// <summary>Which output is the embedding.</summary>
    public ModelOutput Output { get; }

    /// <summary>The <c>vggish</c> preset: VGGish's log-mel input (N, 1, 96, 64) and one (N, D) output.</summary>
    public static ModelCard VGGish { get; } = new("vggish", LogMelInput.VGGish, ModelOutput.First);

    /// <summary>The names <see cref="Resolve"/> accepts instead of a file: <c>vggish</c>.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["vggish"];

    /// <summary>The card in canonical JSON (fields in a fixed order, numbers invariant): what
    /// <see cref="Fingerprint"/> hashes and what <see cref="Parse"/> reads back equal.</summary>
    public string ToJson() => ModelCardJson.Write(this);

    /// <summary>The first 16 hex digits of the SHA-256 of <see cref="ToJson"/>: one card, one fingerprint, however the
    /// file was spaced (a model's identity carries it, so cluster workers and resumed runs see the same card).</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())))[..16];

    /// <summary>Reads a card file.</summary>
    /// <exception cref="ModelException">Missing, larger than <see cref="MaxBytes"/>, not JSON, or a field missing,
    /// unknown or out of range; one line naming the file and the field.</exception>
    public static ModelCard Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = BoundedFile.Read(path, MaxBytes, "a model card (JSON)", length => $"{length} bytes; a model card is JSON of at most {MaxBytes / 1024} KiB.");
        return ModelCardJson.Parse(bytes, path);
    }

    /// <summary>Parses a card's JSON.</summary>
    /// <param name="json">The card.</param>
    /// <param name="source">What to call it in messages (its file).</param>
    /// <exception cref="ModelException">As <see cref="Read"/>.</exception>
    public static ModelCard Parse(string json, string source = "<model card>")
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        return bytes.Length <= MaxBytes
            ? ModelCardJson.Parse(bytes, source)
            : throw new ModelException($"{source}: {bytes.Length} bytes; a model card is JSON of at most {MaxBytes / 1024} KiB.");
    }

    /// <summary>The card a user names: a preset (<see cref="Presets"/>) or a file.</summary>
    /// <exception cref="ModelException">As <see cref="Read"/>.</exception>
    public static ModelCard Resolve(string presetOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(presetOrPath);
        return presetOrPath.Trim().Equals("vggish", StringComparison.OrdinalIgnoreCase) ? VGGish : Read(presetOrPath);
    }

    /// <summary>The card of the model file <paramref name="modelPath"/>: <paramref name="presetOrPath"/> when given,
    /// else the JSON file beside the model with its name (<c>model.onnx</c> → <c>model.json</c>).</summary>
    /// <exception cref="ModelException">No card given and none beside the model (the message says where it looked and
    /// how to give one), or the card is unusable.</exception>
    public static ModelCard For(string modelPath, string? presetOrPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!string.IsNullOrWhiteSpace(presetOrPath))
        {
            return Resolve(presetOrPath);
        }
        var beside = Path.ChangeExtension(modelPath, ".json");
        return File.Exists(beside)
            ? Read(beside)
            : throw new ModelException($"{modelPath}: no model card: put one at {beside} or give --model-card FILE.json (or --model-card vggish for VGGish's input); docs/models.md lists its fields.");
    }
}
