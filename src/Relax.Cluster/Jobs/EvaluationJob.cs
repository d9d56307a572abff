using Relax.Runs;

namespace Relax.Cluster;

/// <summary>
/// Dataset clips on a cluster (<c>relax evaluate --cluster</c>): a clip is one unit. It goes out about 85 KB (example
/// and audio; 110 KB with the next clip's example for the other-input replacement: <see cref="ClipInput"/>) and comes
/// back about 25 KB per explainer plus its curves (<see cref="ClipOutput"/>). A worker explains it with every explainer,
/// draws the flipping curves and the audio scores (<see cref="DatasetEvaluator.EvaluateClip"/>, rebuilt from the
/// <see cref="EvaluateRecipe"/> with the worker's own model, classifier head and LRP network); a worker whose rebuilt
/// evaluator has another fingerprint is refused.
/// </summary>
internal sealed class EvaluationJob(RunSpec spec) : ClusterJob<ClipWork, EvaluatedClip>
{
    /// <inheritdoc />
    public override RunSpec Spec { get; } = spec;

    /// <inheritdoc />
    public override string UnitId(ClipWork work) => work.Item.Id;

    /// <inheritdoc />
    public override UnitInput Encode(ClipWork work)
    {
        var item = work.Item;
        int height = item.Input.GetLength(0), width = item.Input.GetLength(1);
        if (work.Donor is { } donor && (donor.GetLength(0) != height || donor.GetLength(1) != width))
        {
            throw new ArgumentException($"Item {item.Id}: the donor input is {donor.GetLength(0)} × {donor.GetLength(1)}, the item {height} × {width}.", nameof(work));
        }
        return new ClipInput(item.Label, height, width, UnitCodec.Bytes(item.Input), item.Waveform is { } w ? UnitCodec.Bytes(w) : null,
            work.Donor is { } d ? UnitCodec.Bytes(d) : null);
    }

    /// <inheritdoc />
    public override EvaluatedClip Decode(WorkResult result)
    {
        if (result.Output is not ClipOutput r)
        {
            throw new InvalidDataException($"expected an evaluated clip, got {result.Output?.GetType().Name ?? "nothing"}");
        }
        // The runner checks the clip against its item and settings before writing anything.
        return new EvaluatedClip(ClipEvaluation.FromJson(r.Clip), [.. r.Maps.Select((map, k) => UnitCodec.Matrix(map, r.Height, r.Width, $"map {k}"))]);
    }

    /// <summary>Evaluates clips (<see cref="DatasetEvaluator.EvaluateClip"/>) on a worker.</summary>
    /// <exception cref="InvalidOperationException">The worker cannot rebuild the client's evaluator (<see cref="RunSpecs.Rebuild(EvaluateRecipe, ClusterWorkerOptions)"/>).</exception>
    public static UnitComputation Worker(EvaluateRecipe recipe, ClusterWorkerOptions worker)
    {
        var evaluator = RunSpecs.Rebuild(recipe, worker);
        return (item, cancellationToken) =>
        {
            if (item.Input is not ClipInput c)
            {
                throw new InvalidDataException($"Unit {item.UnitId} is not a clip.");
            }
            var input = UnitCodec.Matrix(c.Values, c.Height, c.Width, $"clip {item.UnitId}");
            var clip = new EvaluationItem(item.UnitId, input, c.Label) { Waveform = c.Waveform is { } w ? UnitCodec.Vector(w, $"clip {item.UnitId}'s audio") : null };
            var donor = c.Donor is { } d ? UnitCodec.Matrix(d, c.Height, c.Width, $"clip {item.UnitId}'s donor") : null;
            var evaluated = evaluator.EvaluateClip(new ClipWork(clip, donor), null, cancellationToken);
            return new ClipOutput(evaluated.Clip.ToJson(), c.Height, c.Width, [.. evaluated.Maps.Select(UnitCodec.Bytes)]);
        };
    }
}
