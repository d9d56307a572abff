using Relax.Runs;
using Relax.Waveform;

namespace Relax.Cluster;

/// <summary>
/// Corpus units on a cluster (<c>relax explain --cluster</c>): a unit goes out about 24 KB (the example, its mask kind
/// and seed: <see cref="ExampleInput"/>), its maps come back about 75 KB (<see cref="ExplainOutput"/>); a worker
/// computes <see cref="CorpusExplainer.ExplainUnit"/> with the RELAX settings and mask generators it rebuilt from the
/// <see cref="ExplainRecipe"/>.
/// </summary>
internal sealed class CorpusJob(RunSpec spec) : ClusterJob<CorpusWork, RelaxResult>
{
    /// <inheritdoc />
    public override RunSpec Spec { get; } = spec;

    /// <inheritdoc />
    public override string UnitId(CorpusWork work) => work.UnitId;

    /// <inheritdoc />
    public override UnitInput Encode(CorpusWork work)
    {
        int height = work.Input.GetLength(0), width = work.Input.GetLength(1);
        return work.Waveform is { Cells: var c } waveform
            ? new ExampleInput(work.MaskKind, work.Seed, height, width, UnitCodec.Bytes(work.Input), UnitCodec.Bytes(waveform.Samples), [c.SampleRate, c.WindowSamples, c.HopSamples, c.FftSize])
            : new ExampleInput(work.MaskKind, work.Seed, height, width, UnitCodec.Bytes(work.Input));
    }

    /// <inheritdoc />
    public override RelaxResult Decode(WorkResult result)
    {
        if (result.Output is not ExplainOutput r)
        {
            throw new InvalidDataException($"expected maps, got {result.Output?.GetType().Name ?? "nothing"}");
        }
        return RelaxResult.Restore(UnitCodec.Matrix(r.Saliency, r.Height, r.Width, "saliency"), UnitCodec.Matrix(r.Uncertainty, r.Height, r.Width, "uncertainty"),
            UnitCodec.Matrix(r.MaskWeight, r.Height, r.Width, "mask weight"), r.MasksUsed, r.MasksRequested, r.StoppedEarly, r.EstimatedCorrelation,
            TimeSpan.FromSeconds(r.Seconds), (SaliencyNormalization)r.Normalization, r.MaskGenerator, r.Warnings);
    }

    /// <summary>Explains corpus units with RELAX (<see cref="CorpusExplainer.ExplainUnit"/>) on a worker.</summary>
    public static UnitComputation Worker(ExplainRecipe recipe, ClusterWorkerOptions worker)
    {
        var (relax, masks) = RunSpecs.Rebuild(recipe);
        relax = relax with { BatchSize = worker.BatchSize ?? relax.BatchSize };
        var embedder = worker.Embedder;
        return (item, cancellationToken) =>
        {
            if (item.Input is not ExampleInput x || !masks.TryGetValue(x.MaskKind, out var generator))
            {
                throw new InvalidDataException($"Unit {item.UnitId} is not an example with one of this run's mask kinds.");
            }
            var input = UnitCodec.Matrix(x.Values, x.Height, x.Width, $"unit {item.UnitId}");
            var result = CorpusExplainer.ExplainUnit(embedder, generator, relax, new CorpusWork(item.UnitId, input, x.MaskKind, x.Seed, Waveform(item.UnitId, x, input)), cancellationToken);
            return new ExplainOutput(result.Height, result.Width, UnitCodec.Bytes(result.Saliency), UnitCodec.Bytes(result.Uncertainty), UnitCodec.Bytes(result.MaskWeight),
                result.MasksUsed, result.MasksRequested, result.StoppedEarly, result.EstimatedCorrelation, result.Elapsed.TotalSeconds, (int)result.Normalization,
                result.MaskGenerator, [.. result.Warnings]);
        };
    }

    /// <summary>A waveform unit's samples and cells, checked as a peer's bytes are: a transform that cannot be built or
    /// cells of another shape than the unit's input are refused.</summary>
    /// <exception cref="InvalidDataException">The waveform does not make the unit's cells.</exception>
    private static WaveformExample? Waveform(string unitId, ExampleInput x, float[,] input)
    {
        if (x.Samples is null && x.Cells is null)
        {
            return null;
        }
        if (x.Samples is null || x.Cells is not [int rate, int window, int hop, int fft])
        {
            throw new InvalidDataException($"Unit {unitId}: a waveform without its samples or its four STFT settings.");
        }
        StftCells cells;
        try
        {
            cells = new StftCells(rate, window, hop, fft);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Unit {unitId}: {e.Message}", e);
        }
        var example = new WaveformExample(UnitCodec.Vector(x.Samples, $"unit {unitId} samples"), cells);
        if (example.Samples.Length < cells.MinimumSamples || example.CellShape != (input.GetLength(0), input.GetLength(1)))
        {
            throw new InvalidDataException($"Unit {unitId}: {example.Samples.Length} samples do not make its {input.GetLength(0)} × {input.GetLength(1)} cells.");
        }
        return example;
    }
}
