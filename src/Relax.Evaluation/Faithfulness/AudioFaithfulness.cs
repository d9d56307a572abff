using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Relax.Audio;
using Relax.Similarity;
using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>
/// Faithfulness in the audio domain: an explanation's evidence (its most relevant cells, <see
/// cref="AudioFaithfulnessOptions.EvidenceFraction"/> of them) is rendered as sound with <see cref="EvidenceAudio"/>,
/// and the rendered audio goes through the whole pipeline again (front end, then the model). A faithful map's
/// evidence holds what the model listens to: removing it moves the embedding further from the original than removing
/// random cells of the same area, and keeping only it keeps the embedding closer than keeping random cells. Scores are
/// similarities to the embedding of the example's own audio through the same path (cosine by default).
/// </summary>
/// <remarks>Random cells are drawn from a seed derived from the item's identity (SHA-256 of seed, id and draw), so
/// scores do not depend on the order items are scored in, and every explainer of an item is compared with the same
/// random cells.</remarks>
public sealed class AudioFaithfulness
{
    private readonly IEmbedder _embedder;
    private readonly VGGishFrontEnd _frontEnd;

    /// <summary>Creates the scorer.</summary>
    /// <param name="embedder">The model the explanations explain.</param>
    /// <param name="options">Fraction, random draws, seed, similarity; defaults when null.</param>
    public AudioFaithfulness(IEmbedder embedder, AudioFaithfulnessOptions? options = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? new AudioFaithfulnessOptions();
        _frontEnd = new VGGishFrontEnd();
    }

    /// <summary>The settings.</summary>
    public AudioFaithfulnessOptions Options { get; }

    /// <summary>Scores the maps of one example.</summary>
    /// <param name="waveform">The example's 16 kHz audio (<see cref="LogMelExamples.ExampleWaveform"/>: 15 600 samples).</param>
    /// <param name="maps">Attribution maps (96 × 64), one per explainer.</param>
    /// <param name="identity">The item's identity (its id), which seeds the random cells.</param>
    /// <param name="cancellationToken">Checked between renderings.</param>
    /// <exception cref="ArgumentException">The waveform is not one example's audio, or a map is not 96 × 64.</exception>
    public AudioScores Score(ReadOnlySpan<float> waveform, IReadOnlyList<float[,]> maps, string identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(identity);
        if (waveform.Length != VGGishFrontEnd.SamplesPerExample)
        {
            throw new ArgumentException($"Audio-domain scores need one example's audio ({VGGishFrontEnd.SamplesPerExample} samples at 16 kHz); got {waveform.Length}.", nameof(waveform));
        }
        if (maps.Any(m => m is null || m.GetLength(0) != LogMelExamples.FramesPerExample || m.GetLength(1) != LogMelExamples.MelBands))
        {
            throw new ArgumentException($"Every map must be {LogMelExamples.FramesPerExample} × {LogMelExamples.MelBands} (one VGGish example).", nameof(maps));
        }
        var audio = waveform.ToArray();
        // Each rendering is one example; all of them are embedded in one batch with the original first.
        var renderings = new List<float[]> { audio };
        foreach (var map in maps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (evidence, without) = EvidenceAudio.Split(audio, EvidenceAudio.TopCells(map, Options.EvidenceFraction));
            renderings.Add(without);
            renderings.Add(evidence);
        }
        for (int draw = 0; draw < Options.RandomDraws; draw++)
        {
            var (kept, without) = EvidenceAudio.Split(audio, EvidenceAudio.TopCells(RandomMap(identity, draw), Options.EvidenceFraction));
            renderings.Add(without);
            renderings.Add(kept);
        }
        var similarity = Similarities(renderings, cancellationToken);
        int r = 2 * maps.Count + 1;
        double withoutRandom = 0, randomOnly = 0;
        for (int draw = 0; draw < Options.RandomDraws; draw++)
        {
            withoutRandom += similarity[r + 2 * draw] / Options.RandomDraws;
            randomOnly += similarity[r + 2 * draw + 1] / Options.RandomDraws;
        }
        return new AudioScores(
            Enumerable.Range(0, maps.Count).Select(i => similarity[1 + 2 * i]).ToArray(),
            Enumerable.Range(0, maps.Count).Select(i => similarity[2 + 2 * i]).ToArray(),
            withoutRandom, randomOnly);
    }

    /// <summary>Similarity of each rendering's embedding to the first's (the original audio).</summary>
    private double[] Similarities(List<float[]> renderings, CancellationToken cancellationToken)
    {
        int per = LogMelExamples.FramesPerExample * LogMelExamples.MelBands;
        var values = new float[renderings.Count * per];
        for (int i = 0; i < renderings.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var examples = _frontEnd.FromWaveform(renderings[i], VGGishLogMel.SampleRate, "rendered evidence");
            examples.Example(0).CopyTo(values.AsSpan(i * per, per));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = tensor(values, new long[] { renderings.Count, 1, LogMelExamples.FramesPerExample, LogMelExamples.MelBands }).to(_embedder.Device);
        var embeddings = _embedder.Embed(batch).to(ScalarType.Float32);
        var scores = Options.Similarity.Score(embeddings.narrow(0, 0, 1), embeddings).to(ScalarType.Float64, CPU);
        return scores.data<double>().ToArray();
    }

    /// <summary>A uniform random map for one item and draw (its top cells are a random set of the evidence's area):
    /// cell by cell, row-major, <see cref="Random.NextDouble"/> of a <see cref="Random"/> seeded with the first four
    /// bytes (little-endian) of the SHA-256 of <c>relax-audio-random-v1|seed|identity|draw</c>.</summary>
    internal float[,] RandomMap(string identity, int draw)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"relax-audio-random-v1|{Options.Seed}|{identity}|{draw}")));
        var random = new Random(BitConverter.ToInt32(key, 0));
        var map = new float[LogMelExamples.FramesPerExample, LogMelExamples.MelBands];
        for (int t = 0; t < map.GetLength(0); t++)
        {
            for (int b = 0; b < map.GetLength(1); b++)
            {
                map[t, b] = (float)random.NextDouble();
            }
        }
        return map;
    }
}

/// <summary>Settings of <see cref="AudioFaithfulness"/>, checked when set.</summary>
public sealed record AudioFaithfulnessOptions
{
    private readonly double _fraction = 0.2;
    private readonly int _draws = 3;
    private readonly ISimilarity _similarity = CosineSimilarity.Instance;

    /// <summary>Share of the cells that form the evidence, in (0, 1). Default 0.2 (as <c>relax explain --audio</c>).</summary>
    public double EvidenceFraction
    {
        get => _fraction;
        init => _fraction = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(EvidenceFraction), value, "Must be between 0 and 1 (exclusive).");
    }

    /// <summary>Random cell sets of the same area averaged for the baseline, ≥ 1. Default 3.</summary>
    public int RandomDraws
    {
        get => _draws;
        init => _draws = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(RandomDraws), value, "Must be at least 1.");
    }

    /// <summary>Seeds the random cells (with each item's identity). Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>How embeddings are compared. Default cosine, as RELAX.</summary>
    public ISimilarity Similarity
    {
        get => _similarity;
        init => _similarity = value ?? throw new ArgumentNullException(nameof(Similarity));
    }
}

/// <summary>One example's audio-domain scores: similarities to the original audio's embedding.</summary>
/// <param name="WithoutEvidence">Per explainer: with its evidence removed (lower is more faithful).</param>
/// <param name="EvidenceOnly">Per explainer: with only its evidence kept (higher is more faithful).</param>
/// <param name="WithoutRandom">With random cells of the same area removed (mean over draws).</param>
/// <param name="RandomOnly">With only random cells of the same area kept (mean over draws).</param>
public sealed record AudioScores(IReadOnlyList<double> WithoutEvidence, IReadOnlyList<double> EvidenceOnly, double WithoutRandom, double RandomOnly);
