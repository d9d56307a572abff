using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Relax.Masks;
using Relax.Runs;
using Relax.Synthetic;
using Xunit.Abstractions;

namespace Relax.Cluster.Tests;

/// <summary>
/// What <c>relax</c> does on a cluster, done by an application through the library: a worker node and a client node
/// join through a real redis-server with a password (the cluster's secret), the client runs a corpus through
/// <see cref="ClusterUnitExecutor.ForCorpus"/> with its coordinator on its own silo, the maps equal a single-process
/// run's byte for byte, and both leave cleanly. A wrong secret and an unreachable Redis are one line each.
/// </summary>
public sealed class ClusterNodeTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "node-test-secret";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "relax-node-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private CorpusOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_root, name),
        Masks = [MaskGenerators.Create("time")],
        Relax = new RelaxOptions { MaskCount = 64, BatchSize = 32, Seed = 5 },
    };

    private static List<CorpusRecording> Corpus() =>
        SyntheticExamples.Generate(perClass: 1, firstSeed: SyntheticAnimalModel.HeldOutFirstSeed)
            .Select((e, k) => new CorpusRecording($"clip-{k}", e.Label.ToString(), $"content-{k}", () => new CorpusExamples([e.LogMel], [0.0])))
            .ToList();

    [SkippableFact]
    public async Task An_application_joins_a_worker_and_a_client_and_gets_the_single_process_maps()
    {
        using var redis = RedisServer.Start(Secret);
        using var model = SyntheticAnimalModel.Load();
        var identity = new ClusterModel(model.Identity, "Float32", "cpu");
        var access = new ClusterAccess(redis.Address, Secret);
        await using var worker = await ClusterNode.JoinAsync(access, new ClusterNodeOptions
        {
            Advertise = IPAddress.Loopback,
            Worker = new ClusterWorkerOptions(model.Embedder, identity) { Name = "node-worker" },
        });
        Assert.NotNull(worker.Worker);
        await using var client = await ClusterNode.JoinAsync(access);
        Assert.Null(client.Worker);
        Assert.Equal(IPAddress.Loopback, client.Address); // Redis on loopback: the node offers loopback

        var run = client.HostCoordinator(new ClusterRunOptions(identity) { Window = 4 });
        Assert.Equal(client.SiloAddress, run.CoordinatorSilo);
        CorpusSummary summary;
        await using (var executor = ClusterUnitExecutor.ForCorpus(client.Client, Options("cluster"), run))
        {
            await executor.StartAsync();
            summary = await new CorpusExplainer(model.Embedder, Options("cluster")).RunAsync(Corpus(), executor).WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(new Dictionary<string, int> { ["node-worker"] = 3 }, executor.CompletedByWorker);
        }
        var local = new CorpusExplainer(model.Embedder, Options("local")).Run(Corpus());
        Assert.Equal(3, summary.Explained);
        Assert.Equal(local.Explained, summary.Explained);
        foreach (var unit in local.Units)
        {
            var map = Path.Combine(CorpusExplainer.UnitFolder(unit.Recording, unit.Example, unit.MaskKind), "saliency.npy");
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "local", map)), File.ReadAllBytes(Path.Combine(_root, "cluster", map)));
        }
        Assert.Equal(3, worker.Worker!.Completed);

        Assert.True(await client.LeaveAsync(), "the client did not leave cleanly");
        Assert.False(await client.LeaveAsync()); // once
        worker.Stop();
        await worker.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.Stopping.IsCancellationRequested);
    }

    [SkippableFact]
    public async Task A_wrong_secret_and_an_unreachable_redis_are_one_line_each()
    {
        using var redis = RedisServer.Start(Secret);
        var wrong = await Assert.ThrowsAsync<ClusterJoinException>(() => ClusterNode.JoinAsync(new ClusterAccess(redis.Address, "guess")));
        output.WriteLine(wrong.Message);
        Assert.True(wrong.SecretRefused);
        Assert.Equal($"Redis at {redis.Address} refused the cluster's secret as its password: give every worker and client the secret the cluster was started with in $RELAX_CLUSTER_SECRET (or a file named by $RELAX_CLUSTER_SECRET_FILE).", wrong.Message);
        var none = await Assert.ThrowsAsync<ClusterJoinException>(() => ClusterNode.JoinAsync(new ClusterAccess(redis.Address)));
        Assert.True(none.SecretRefused);
        Assert.Contains("refused a connection without a password", none.Message, StringComparison.Ordinal);

        string nobody = $"127.0.0.1:{ClusterNode.FreePort()}";
        var unreachable = await Assert.ThrowsAsync<ClusterJoinException>(() => ClusterNode.JoinAsync(new ClusterAccess(nobody)));
        output.WriteLine(unreachable.Message);
        Assert.False(unreachable.SecretRefused);
        Assert.StartsWith($"cannot join the cluster through Redis at {nobody}: ", unreachable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', unreachable.Message);
    }

    /// <summary>A redis-server on a free loopback port with a password and no persistence, killed by its PID.</summary>
    private sealed class RedisServer : IDisposable
    {
        private readonly Process _process;

        private RedisServer(Process process, string address) => (_process, Address) = (process, address);

        public string Address { get; }

        public static RedisServer Start(string password)
        {
            var server = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
            Skip.If(server is null, "redis-server is not installed (.ci/run installs it: apt-get install redis-server).");
            int port = ClusterNode.FreePort();
            var process = Process.Start(new ProcessStartInfo(server!, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", password])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            })!;
            var redis = new RedisServer(process, $"127.0.0.1:{port}");
            var clock = Stopwatch.StartNew();
            while (!Accepts(port))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(20) || process.HasExited)
                {
                    redis.Dispose();
                    throw new InvalidOperationException("redis-server did not accept connections within 20 s");
                }
                Thread.Sleep(50);
            }
            return redis;
        }

        private static bool Accepts(int port)
        {
            try
            {
                using var socket = new TcpClient();
                socket.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
