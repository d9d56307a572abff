namespace Relax.Cluster;

/// <summary>What a worker sends back for a unit.</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitOutput;
