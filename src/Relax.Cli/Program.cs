// Before libtorch loads: OpenMP workers sleep instead of spinning, so a run on a shared machine keeps its speed
// (docs/performance.md, "Contention"); OMP_WAIT_POLICY in the user's environment wins.
Relax.Evaluation.NativeThreads.PreferPassiveWaiting();
return Relax.Cli.RelaxCli.Run(args, Console.Out, Console.Error);
