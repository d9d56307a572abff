using Relax.Hosting;
// Before libtorch loads: OpenMP workers sleep instead of spinning, so a run on a shared machine keeps its speed
// (docs/performance.md, "Contention"), and MKL gives the same bits whatever the thread count (byte-identical output
// folders from 1-thread cluster workers and 2-thread runs); variables already in the user's environment win.
NativeThreads.PreferPassiveWaiting();
NativeThreads.PreferThreadCountIndependentResults();
return Relax.Cli.RelaxCli.Run(args, Console.Out, Console.Error);
