using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Relax.Models.VGGish.Benchmarks -- --filter '*'
// The default job is small and in-process (2 warm-ups, 7 measured iterations of 1 invocation; throughput from the median): the benchmark machine is
// shared, so read the figures as indications. BenchmarkDotNet's command-line options (--filter, --job, ...) apply.
BenchmarkSwitcher.FromAssembly(typeof(Relax.Models.VGGish.Benchmarks.VGGishBenchmarks).Assembly).Run(args, new Relax.Models.VGGish.Benchmarks.SmallJobConfig());
