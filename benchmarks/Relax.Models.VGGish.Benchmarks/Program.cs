using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Relax.Models.VGGish.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Relax.Models.VGGish.Benchmarks -- agreement OUTDIR [N]   (inputs for tools/reference/relax_agreement.py)
// The default job is small and in-process (2 warm-ups, 7 measured iterations of 1 invocation; throughput from the median): the benchmark machine is
// shared, so read the figures as indications. BenchmarkDotNet's command-line options (--filter, --job, ...) apply.
if (args is ["agreement", ..])
{
    return Relax.Models.VGGish.Benchmarks.AgreementProbe.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Relax.Models.VGGish.Benchmarks.VGGishBenchmarks).Assembly).Run(args, new Relax.Models.VGGish.Benchmarks.SmallJobConfig());
return 0;
