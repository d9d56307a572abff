namespace Relax.Models.VGGish;

/// <summary>
/// The widths of a network in VGGish's layer pattern: six 3 × 3 convolutions (two single, two pairs) with four 2 × 2
/// max-poolings, a channels-last flatten of the (6 × 4) map, and three fully connected layers. <see cref="Standard"/>
/// is Google's VGGish; <see cref="Compact"/> is the small network of the shipped default model. Parameter names are the
/// same for every width (<c>features.0.weight</c> … <c>embeddings.4.bias</c>).
/// </summary>
public sealed record VGGishArchitecture
{
    private readonly IReadOnlyList<int> _channels = [64, 128, 256, 256, 512, 512];
    private readonly int _hidden = 4096;
    private readonly int _embeddingSize = 128;

    /// <summary>Google's VGGish: channels 64, 128, 256, 256, 512, 512; hidden 4096; embedding 128 (72 M parameters).</summary>
    public static VGGishArchitecture Standard { get; } = new();

    /// <summary>The default model's network: channels 16, 32, 64, 64, 128, 128; hidden 256; embedding 128 (1.2 M parameters).</summary>
    public static VGGishArchitecture Compact { get; } = new() { Channels = [16, 32, 64, 64, 128, 128], Hidden = 256 };

    /// <summary>Output channels of the six convolutions; six positive numbers.</summary>
    public IReadOnlyList<int> Channels
    {
        get => _channels;
        init => _channels = value is { Count: 6 } && value.All(c => c > 0)
            ? value.ToArray()
            : throw new ArgumentException("Give six positive channel counts, one per convolution.", nameof(Channels));
    }

    /// <summary>Width of the two hidden fully connected layers; positive.</summary>
    public int Hidden
    {
        get => _hidden;
        init => _hidden = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Hidden), value, "Must be positive.");
    }

    /// <summary>Size of the embedding; positive.</summary>
    public int EmbeddingSize
    {
        get => _embeddingSize;
        init => _embeddingSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), value, "Must be positive.");
    }

    /// <summary>Values in all activations of one (96 × 64) example through the layer-by-layer forward: an upper bound
    /// on what a batch holds at once, used to refuse batch sizes that cannot fit in memory.</summary>
    public long ActivationValuesPerExample()
    {
        long total = 0;
        int height = 96, width = 64;
        var pooledAfter = new[] { 0, 1, 3, 5 };   // convolutions followed by a 2 × 2 max-pooling
        for (int i = 0; i < Channels.Count; i++)
        {
            total += 2L * Channels[i] * height * width;   // convolution and ReLU outputs
            if (pooledAfter.Contains(i))
            {
                height /= 2;
                width /= 2;
                total += (long)Channels[i] * height * width;
            }
        }
        return total + 4L * Hidden + 2L * EmbeddingSize;
    }

    /// <inheritdoc />
    public bool Equals(VGGishArchitecture? other) =>
        other is not null && Channels.SequenceEqual(other.Channels) && Hidden == other.Hidden && EmbeddingSize == other.EmbeddingSize;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(string.Join(",", Channels), Hidden, EmbeddingSize);
}
