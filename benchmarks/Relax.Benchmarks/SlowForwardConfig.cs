using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Relax.Benchmarks;

/// <summary>
/// A job for operations that take seconds: one invocation per iteration, few iterations, ratios shown.
/// Runs in process: BenchmarkDotNet's generated projects skip Directory.Build.props/targets, so they would neither
/// link libtorch (1.5 GB copied per run) nor apply the TorchSharp native fix for older libstdc++.
/// </summary>
public sealed class SlowForwardConfig : ManualConfig
{
    public SlowForwardConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(8)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(BaselineRatioColumn.RatioMean, StatisticColumn.Min, StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Percentage);
    }
}
