using System.Security.Cryptography;

namespace Relax.Models;

/// <summary>An exported model's file (TorchScript or ONNX) read for loading: its bytes, read once and bounded, their
/// SHA-256, and the model's card. The providers load the network from these bytes, so the model hashed is the model
/// run (a file replaced between hashing and loading cannot slip in).</summary>
public sealed class ExportedModelFile
{
    /// <summary>The largest model file read by default: 1 GiB (the largest audio encoders exported in float32 are a
    /// few hundred MB).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    private ExportedModelFile(string path, byte[] bytes, string sha256, ModelCard card)
    {
        Path = path;
        Bytes = bytes;
        Sha256 = sha256;
        Card = card;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its contents.</summary>
    public byte[] Bytes { get; }

    /// <summary>The SHA-256 of <see cref="Bytes"/>, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The model's card.</summary>
    public ModelCard Card { get; }

    /// <summary>Reads a model file and finds its card (<see cref="ModelCard.For"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <param name="format">What the file should be, for messages: "a TorchScript model (.pt)", say.</param>
    /// <param name="card">A card preset or file; null for the JSON file beside the model.</param>
    /// <param name="maxBytes">The largest file accepted.</param>
    /// <exception cref="ModelException">No file given, missing, too large or unreadable, or no usable card; one line.</exception>
    public static ExportedModelFile Read(string? path, string format, string? card, long maxBytes = DefaultMaxBytes)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ModelException($"Give the model file: {format}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var bytes = BoundedFile.Read(path, maxBytes, format, length => $"{length:N0} bytes; a model file is at most {Math.Min(maxBytes, Array.MaxLength):N0} bytes here.");
        var modelCard = ModelCard.For(path, card);
        return new ExportedModelFile(path, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), modelCard);
    }

    /// <summary>The model's identity: the format, the card's name, the file's SHA-256 and the card's fingerprint (so
    /// that another file, or the same file with another card, is another model to reports, resumed runs and cluster
    /// workers).</summary>
    /// <param name="format">"TorchScript" or "ONNX".</param>
    public string Identity(string format) =>
        $"{format} model {Card.Name ?? System.IO.Path.GetFileNameWithoutExtension(Path)} (file SHA-256 {Sha256}, card {Card.Fingerprint})";

}
