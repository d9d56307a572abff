using System.Diagnostics;
using BenchmarkDotNet.Running;
using Relax.Audio;
using Relax.Audio.Benchmarks;

if (args.Length > 0 && args[0] == "--quick")
{
    // A quick Stopwatch measurement (median of 30 runs after 50 warm-up runs) without BenchmarkDotNet:
    // --quick [rates…], default 16000 44100.
    var frontEnd = new VGGishFrontEnd();
    foreach (var rate in args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [16000, 44100])
    {
        var x = Signals.Create(rate);
        var times = new List<double>();
        for (int i = 0; i < 80; i++)
        {
            var clock = Stopwatch.StartNew();
            frontEnd.FromWaveform(x, rate);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times = times.Skip(50).Order().ToList(); // 50 warm-up runs: tiered JIT reaches its optimised code after 30 calls
        double median = times[times.Count / 2];
        Console.WriteLine($"{rate} Hz: median {median * 1000:0.00} ms per {Signals.Seconds} s → {Signals.Seconds / median:N0} s of audio per second");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(FrontEndBenchmarks).Assembly).Run(args);
