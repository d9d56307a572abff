using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- --filter '*'   (BenchmarkDotNet suites)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- convergence    (adaptive stopping vs N = 8000, default model)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- usable [fixedN]  (masks for a usable map: convergence stop vs fixed N, converged reference)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- scaling [default|vggish]  (time per clip vs N, batch, threads)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- memory         (resident-memory probe)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- exported [masks] [rounds]  (default model: native vs ONNX Runtime vs TorchScript)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- waveform [batches] [rounds]  (waveform RELAX: iSTFT + forward vs forward)
// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- contention [runs] [active-runs]  (relax explain beside busy neighbours)
if (args is ["memory-diagnose"])
{
    return Relax.Benchmarks.MemoryProbe.Diagnose();
}
if (args is ["convergence", ..])
{
    return Relax.Benchmarks.ConvergenceProbe.Run(args[1..]);
}
if (args is ["usable", ..])
{
    return Relax.Benchmarks.UsableMapProbe.Run(args[1..]);
}
if (args is ["scaling", ..])
{
    return Relax.Benchmarks.ScalingProbe.Run(args[1..]);
}
if (args is ["contention", ..])
{
    return Relax.Benchmarks.ContentionProbe.Run(args[1..]);
}
if (args is ["exported", ..])
{
    return Relax.Benchmarks.ExportedModelProbe.Run(args[1..]);
}
if (args is ["waveform", ..])
{
    return Relax.Benchmarks.WaveformCostProbe.Run(args[1..]);
}
if (args is ["memory"])
{
    return Relax.Benchmarks.MemoryProbe.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Relax.Benchmarks.RelaxOverheadBenchmarks).Assembly).Run(args);
return 0;
