namespace Relax.Cluster;

/// <summary>What a unit carries to its worker. Float32 values travel as raw bytes: Orleans copies a byte array in one
/// block, a float array value by value.</summary>
[GenerateSerializer, Immutable]
internal abstract record UnitInput;
