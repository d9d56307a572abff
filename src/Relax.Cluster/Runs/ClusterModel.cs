using System.Globalization;

namespace Relax.Cluster;

/// <summary>The model a worker runs (or a run asks for), as the three things that must match for results to be
/// identical to a single-process run.</summary>
/// <param name="Identity">What the model is (<c>AudioModel.Identity</c>: name and weights hash).</param>
/// <param name="DType">Its dtype, for example <c>Float32</c>.</param>
/// <param name="Device">Its device, for example <c>cpu</c>.</param>
public sealed record ClusterModel(string Identity, string DType, string Device)
{
    /// <summary>The model in one line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Identity} ({DType}, {Device})");
}
