namespace Relax.Runs.Tests;

/// <summary>Tests that touch the process-wide trim clock of <see cref="NativeHeap"/> run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHeapTestGroup
{
    public const string Name = "process-wide native heap";
}
