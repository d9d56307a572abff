using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Relax.Audio.Benchmarks;

/// <summary>Adds a column with seconds of audio processed per second of wall time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new AudioSecondsPerSecondColumn());

    private sealed class AudioSecondsPerSecondColumn : IColumn
    {
        public string Id => nameof(AudioSecondsPerSecondColumn);
        public string ColumnName => "AudioSecondsPerSecond";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Seconds of audio processed per second (10 s input / mean time)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            return stats is null ? "-" : (Signals.Seconds / (stats.Mean * 1e-9)).ToString("N0");
        }
    }
}
