namespace Relax.Cluster;

/// <summary>A worker runs another model, dtype or device than the run asks for, or cannot rebuild its settings.</summary>
/// <param name="message">Which worker, and what differs.</param>
public sealed class ClusterMismatchException(string message) : Exception(message);
