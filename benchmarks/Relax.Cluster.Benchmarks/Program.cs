// Dispatch through the cluster: how fast can the client hand out units and take results back, and does its memory stay
// flat while 100,000 units stream through a bounded window?
//   dotnet run -c Release --project benchmarks/Relax.Cluster.Benchmarks -- [units] [window] [workers] [relax|echo]
// "relax" workers run RELAX with a near-free stand-in model (N = 1 mask): the floor of a real unit. "echo" workers
// answer each unit at once with maps of the real size (75 KB), calling the coordinator as a worker does: the
// dispatch path alone (client, coordinator, serialisation, localhost TCP).
// One process holds the client's silo (which hosts the run's coordinator, as `relax explain --cluster` does) and the
// worker silos, on localhost TCP (the same transport as between machines). Every 10,000 units it prints the dispatch
// rate and the process's resident memory and managed heap; at the end, the cost of a unit in this process without
// the cluster (a LocalUnitExecutor of CorpusExplainer.Explain), so the messaging and serialisation cost per unit can be read off.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relax;
using Relax.Cluster;
using Relax.Masks;
using Relax.Runs;
using static TorchSharp.torch;

int units = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
int window = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
int workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
bool echo = args.Length > 3 && args[3] == "echo";
set_num_threads(1);

var model = new ClusterModel("stand-in: mean of the input", "Float32", "cpu");
var corpus = new CorpusOptions
{
    OutputDirectory = Path.Combine(Path.GetTempPath(), "relax-dispatch"),
    Masks = [MaskGenerators.Create("time")],
    Relax = new RelaxOptions { MaskCount = 1, BatchSize = 1 },
};
var embedder = new StandIn();

// Membership in memory on the first silo (the client's), which the others join: localhost TCP between silos.
int primaryPort = FreePort();
var hosts = new List<IHost>();
IHost Silo(bool worker, int index)
{
    var builder = Host.CreateApplicationBuilder([]);
    builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Error).AddConsole();
    builder.UseOrleans(silo =>
    {
        silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primaryPort))
            .ConfigureEndpoints(IPAddress.Loopback, index == 0 ? primaryPort : FreePort(), FreePort())
            .ConfigureRelaxTimings();
        if (worker && !echo)
        {
            silo.AddRelaxWorker(new ClusterWorkerOptions(embedder, model) { Name = $"worker-{index}" });
        }
    });
    var host = builder.Build();
    host.Start();
    hosts.Add(host);
    return host;
}

var client = Silo(worker: false, 0);
for (int w = 1; w <= workers; w++)
{
    Silo(worker: true, w);
}
var cluster = client.Services.GetRequiredService<IClusterClient>();
using var stopEcho = new CancellationTokenSource();
var input = new float[96, 64];
await using var executor = ClusterUnitExecutor.ForCorpus(cluster, corpus, new ClusterRunOptions(model) { Window = window });
await executor.StartAsync();
var echoes = echo
    ? hosts.Skip(1).Select((h, i) => Echo(h.Services.GetRequiredService<IGrainFactory>().GetGrain<IRunCoordinatorGrain>(executor.RunId), $"echo-{i + 1}", stopEcho.Token)).ToList()
    : [];

Console.WriteLine($"{units} units, window {window}, {workers} {(echo ? "echo" : "RELAX stand-in")} worker silo(s); one process, localhost TCP");
Console.WriteLine("units  units/s (last 10k)  resident MB  managed MB");
var clock = Stopwatch.StartNew();
var lap = Stopwatch.StartNew();
var inFlight = new List<Task<RelaxResult>>(window);
for (int k = 0; k < units; k++)
{
    inFlight.Add(executor.RunAsync(new CorpusWork($"unit-{k}", input, "time", k), null, CancellationToken.None));
    if (inFlight.Count >= window)
    {
        var done = await Task.WhenAny(inFlight);
        inFlight.Remove(done);
        await done;
    }
    if ((k + 1) % 10_000 == 0)
    {
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{k + 1,6}  {10_000 / lap.Elapsed.TotalSeconds,10:F0}  {self.WorkingSet64 / 1e6,11:F0}  {GC.GetTotalMemory(true) / 1e6,10:F1}"));
        lap.Restart();
    }
}
await Task.WhenAll(inFlight);
double clusterRate = units / clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster: {clusterRate:F0} units/s over {units} units; per worker: {string.Join(", ", executor.CompletedByWorker.Select(w => $"{w.Key} {w.Value}"))}"));

// The same units in this process without the cluster: the compute a unit costs here.
var local = new LocalUnitExecutor<CorpusWork, RelaxResult>(new CorpusExplainer(embedder, corpus).Explain);
int localUnits = Math.Min(units, 20_000);
clock.Restart();
for (int k = 0; k < localUnits; k++)
{
    await local.RunAsync(new CorpusWork($"unit-{k}", input, "time", k), null, CancellationToken.None);
}
double localRate = localUnits / clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"in process, one thread: {localRate:F0} units/s ({1e3 / localRate:F3} ms a unit); through the cluster with {workers} worker(s): {1e3 / clusterRate:F3} ms a unit"));

stopEcho.Cancel();
await Task.WhenAll(echoes);
await executor.DisposeAsync();
foreach (var host in Enumerable.Reverse(hosts))
{
    await host.StopAsync();
    host.Dispose();
}

// A worker that answers at once: takes up to 64 units, completes each with zero maps of the real size.
static async Task Echo(IRunCoordinatorGrain run, string name, CancellationToken stop)
{
    var zeros = new byte[96 * 64 * sizeof(float)];
    while (!stop.IsCancellationRequested)
    {
        var lease = await run.Take(name, 64);
        if (lease.Items.Length == 0)
        {
            await Task.Delay(1, CancellationToken.None);
            continue;
        }
        await Task.WhenAll(lease.Items.Select(item => run.Complete(new WorkResult(item.UnitId, name, new ExplainOutput(96, 64, zeros, zeros, zeros, 1, 1, false, double.NaN, 0, 1, "time", []), item.Attempt, item.LeasedAt))));
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>A near-free model: the mean of each input, plus one (a 2-D embedding, so cosine is defined).</summary>
internal sealed class StandIn : IEmbedder
{
    public Device Device => CPU;

    public Tensor Embed(Tensor inputs)
    {
        using var mean = inputs.mean([1, 2, 3]).unsqueeze(1);
        return cat([mean, ones_like(mean)], 1);
    }
}
