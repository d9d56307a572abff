using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- --filter '*'   (BenchmarkDotNet suites)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- memory         (resident-memory probe)
if (args is ["memory-diagnose"])
{
    return Relax.Benchmarks.MemoryProbe.Diagnose();
}
if (args is ["memory"])
{
    return Relax.Benchmarks.MemoryProbe.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Relax.Benchmarks.RelaxOverheadBenchmarks).Assembly).Run(args);
return 0;
