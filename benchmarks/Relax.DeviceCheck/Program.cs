// The device check of issue 23 (benchmarks/scripts/gpu.sh): CUDA against the CPU, then throughput.
//   dotnet run -c Release --project benchmarks/Relax.DeviceCheck -- [N] [batches] [dtypes]
// Its publish also carries the relax command (relax.dll), so that one folder goes to the GPU machine.
return Relax.DeviceCheck.GpuProbe.Run(args);
