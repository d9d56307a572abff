using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Relax.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Relax.Benchmarks.RelaxOverheadBenchmarks).Assembly).Run(args);
