using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Relax.Models.VGGish.Benchmarks;

/// <summary>A short job and throughput columns: embeddings per second and GFLOP/s.</summary>
public sealed class SmallJobConfig : ManualConfig
{
    public SmallJobConfig()
    {
        Add(DefaultConfig.Instance);
        // In-process: no generated project to build (faster, and libtorch stays loaded once).
        AddJob(Job.Dry.WithStrategy(RunStrategy.Throughput)
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("small"));
        AddColumn(new ThroughputColumn("Items/s", perSecond: true), new ThroughputColumn("GFLOP/s", perSecond: false));
        WithOptions(ConfigOptions.JoinSummary);
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(20));
    }
}

/// <summary>Reads the work per operation from the benchmark's <c>Items</c> and <c>Flop</c> properties (set from its parameters).</summary>
internal sealed class ThroughputColumn(string name, bool perSecond) : IColumn
{
    public string Id => "Relax" + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => perSecond ? "Embeddings (or matmuls) per second, from the median time" : "Floating-point operations per second, in 10^9, from the median time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        var stats = report?.ResultStatistics;
        if (stats is null)
        {
            return "NA";
        }
        var instance = Activator.CreateInstance(benchmarkCase.Descriptor.Type) as IWork;
        if (instance is null)
        {
            return "NA";
        }
        foreach (var p in benchmarkCase.Parameters.Items)
        {
            benchmarkCase.Descriptor.Type.GetProperty(p.Name)?.SetValue(instance, p.Value);
        }
        // The median: on a shared machine single iterations are slowed by other processes.
        double seconds = stats.Median / 1e9;
        var (items, flop) = instance.Work(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return perSecond ? (items / seconds).ToString("F1") : (flop / seconds / 1e9).ToString("F1");
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}

/// <summary>A benchmark that knows how much work one operation of a method does.</summary>
public interface IWork
{
    (double Items, double Flop) Work(string method);
}
