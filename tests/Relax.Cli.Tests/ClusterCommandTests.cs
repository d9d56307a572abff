using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary>
/// The cluster across real processes, as a user runs it: a redis-server on a free local port (no persistence), two
/// <c>relax worker</c>s and one <c>relax explain --cluster</c> client. One worker is SIGKILLed once the first recording
/// is finished; the run still completes, every map equals a single-process run's byte for byte, the dead worker's
/// unit is running elsewhere once its lease lapses (within the lease and a few units' time measured in the same run, when
/// the coordinator did not die with it), and the survivor leaves the
/// cluster cleanly on SIGTERM. Every process the test starts it stops by its PID, also when it fails.
/// </summary>
public sealed partial class ClusterCommandTests(ITestOutputHelper output)
{
    private static readonly string Relax = Path.Combine(AppContext.BaseDirectory, "relax.dll");

    [SkippableFact]
    public void Two_workers_and_a_client_explain_a_corpus_and_a_worker_killed_midway_loses_nothing()
    {
        var redisServer = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        Skip.If(redisServer is null, "redis-server is not installed (.ci/run installs it: apt-get install redis-server).");
        var root = TempFolder("cluster");
        var started = new List<Child>();
        try
        {
            var corpus = Path.Combine(root, "corpus");
            foreach (var (kind, seed) in new[] { ("dog", 3), ("dog", 4), ("cat", 5), ("cat", 6), ("bird", 7), ("bird", 8) })
            {
                Assert.Equal(0, Run("synth", kind, "--seconds", "2", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(corpus, kind, $"{kind}-{seed}.wav")).Code);
            }
            string[] settings = ["--masks", "time-frequency,time", "--count", "384", "--no-figures"];

            int port = FreePort();
            var redis = Start(started, redisServer!, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
            WaitFor(() => Accepts(port), TimeSpan.FromSeconds(20), "redis-server to accept connections", redis);
            string address = $"127.0.0.1:{port}";
            var w1 = Start(started, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w1");
            var w2 = Start(started, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w2");
            foreach (var worker in new[] { w1, w2 })
            {
                WaitFor(() => worker.Printed("joined the cluster"), TimeSpan.FromSeconds(90), "a worker to join", worker);
            }

            var clustered = Path.Combine(root, "cluster");
            // The waits below detect hangs; they are not speed tests. The first run's are generous (about a minute on a
            // quiet machine, nearly three under a heavy load); the later runs' scale with how long the first one took.
            var clientClock = System.Diagnostics.Stopwatch.StartNew();
            var client = Start(started, "dotnet", [Relax, "explain", corpus, .. settings, "-o", clustered, "--cluster", address]);
            WaitFor(() => client.Printed("[1/6]", onError: true), TimeSpan.FromMinutes(5), "the first recording to finish", client);
            w1.Process.Kill(); // SIGKILL, as a crash or an OOM kill
            var killedAt = DateTime.UtcNow;
            WaitFor(() => client.Process.HasExited, TimeSpan.FromMinutes(10), "the client to finish", client);
            client.Process.WaitForExit(); // the rest of its output arrives after it exits
            var patience = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(3).Ticks, 3 * clientClock.Elapsed.Ticks));
            Assert.True(client.Process.ExitCode == 0, client.Describe());
            output.WriteLine(client.Describe());

            // A single-process run of the same corpus and settings writes the same maps.
            var single = Path.Combine(root, "single");
            var (code, _, error) = Run(["explain", corpus, .. settings, "-o", single]);
            Assert.True(code == 0, error);
            var maps = Directory.GetFiles(single, "*.npy", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(single, f)).Order(StringComparer.Ordinal).ToList();
            // 6 clips × 2 examples × 2 kinds: per unit saliency, uncertainty, mask weight, U-RELAX; per example its log-mel; class maps.
            Assert.True(maps.Count >= 24 * 4 + 12, $"{maps.Count} maps");
            foreach (var map in maps)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(single, map)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(clustered, map))), $"{map} differs");
            }

            var text = client.Describe();
            Assert.Matches(@"Units per worker: w1 \d+, w2 \d+\.", text);
            // The killed worker was explaining a unit (units take about a second and it leases the next at once): its
            // lease lapsed and the unit was leased again — or, when the dead worker held the part of Orleans' grain
            // directory that names the coordinator, a fresh coordinator took over and the client offered its units
            // again (docs/cluster.md). Either way nothing was lost (the maps above).
            var reissued = Reissued().Match(text);
            Assert.True(reissued.Success || text.Contains("The coordinator restarted", StringComparison.Ordinal), $"the killed worker's unit was neither re-issued nor re-offered: {text}");
            if (!reissued.Success)
            {
                output.WriteLine("the coordinator restarted (its directory entry lived on the killed worker); the client offered its units again");
            }
            else
            {
                var first = DateTime.Parse(reissued.Groups["first"].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();
                int restarts = int.Parse(reissued.Groups["restarts"].Value, CultureInfo.InvariantCulture);
                double seconds = (first - killedAt).TotalSeconds;
                output.WriteLine($"the killed worker's unit was leased again {seconds:F2} s after the kill; coordinator restarts: {restarts}");
                if (restarts == 0)
                {
                    // The unit is re-issued once its 2-s lease lapses and the survivor next asks for work, which it does
                    // when its current unit is done. So the bound is the lease plus a few units' time, measured in this
                    // run (elapsed × workers / units): about 5 s on a quiet machine, more on a loaded one, and always far
                    // less than waiting for the end of the run.
                    var summary = RunSummary().Match(text);
                    Assert.True(summary.Success, text);
                    double unitSeconds = double.Parse(summary.Groups["seconds"].Value, CultureInfo.InvariantCulture) * 2 / int.Parse(summary.Groups["units"].Value, CultureInfo.InvariantCulture);
                    double bound = 2 + 3 * unitSeconds + 2;
                    Assert.True(seconds < bound, $"re-issued {seconds:F2} s after the kill (bound: lease 2 s + 3 units of {unitSeconds:F2} s + 2 s = {bound:F1} s)");
                }
            }

            // A client killed midway and started again resumes from its output folder: finished units are reused (not
            // written again), the rest go to the surviving worker, and the maps still equal the single-process run's.
            var resumed = Path.Combine(root, "resumed");
            var killed = Start(started, "dotnet", [Relax, "explain", corpus, .. settings, "-o", resumed, "--cluster", address]);
            WaitFor(() => killed.Printed("[2/6]", onError: true), patience, "two recordings to finish", killed);
            killed.Process.Kill();
            killed.Process.WaitForExit();
            var restarted = Start(started, "dotnet", [Relax, "explain", corpus, .. settings, "-o", resumed, "--cluster", address]);
            WaitFor(() => restarted.Process.HasExited, patience, "the restarted client to finish", restarted);
            restarted.Process.WaitForExit(); // the rest of its output arrives after it exits
            Assert.True(restarted.Process.ExitCode == 0, restarted.Describe());
            var reusedUnits = ReusedUnits().Match(restarted.Describe());
            Assert.True(reusedUnits.Success && int.Parse(reusedUnits.Groups["n"].Value, CultureInfo.InvariantCulture) >= 8, $"the restarted client reused too little: {restarted.Describe()}");
            output.WriteLine($"restarted client: {reusedUnits.Value}");
            foreach (var map in maps)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(single, map)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, map))), $"{map} differs after the restart");
            }

            // relax evaluate --cluster: the surviving worker evaluates every clip with its own model, head and LRP
            // network; maps and per-clip scores equal a single-process evaluation's.
            string[] evaluation = ["evaluate", "--synthetic", "1", "--explainers", "relax,lrp,rise", "--count", "64", "--step", "0.25", "--no-figures"];
            var evaluatedOnCluster = Path.Combine(root, "evaluate-cluster");
            var evaluate = Start(started, "dotnet", [Relax, .. evaluation, "-o", evaluatedOnCluster, "--cluster", address]);
            WaitFor(() => evaluate.Process.HasExited, patience, "relax evaluate --cluster to finish", evaluate);
            evaluate.Process.WaitForExit(); // the rest of its output arrives after it exits
            Assert.True(evaluate.Process.ExitCode == 0, evaluate.Describe());
            Assert.True(evaluate.Printed("Clips per worker: w2 3."), evaluate.Describe());
            var evaluatedHere = Path.Combine(root, "evaluate-single");
            (code, _, error) = Run([.. evaluation, "-o", evaluatedHere]);
            Assert.True(code == 0, error);
            var files = Directory.GetFiles(evaluatedHere, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(evaluatedHere, f)).Order(StringComparer.Ordinal).ToList();
            Assert.True(files.Count >= 3 * 3 + 5, $"{files.Count} files");
            foreach (var file in files)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(evaluatedHere, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(evaluatedOnCluster, file))), $"{file} differs");
            }

            // The survivor leaves cleanly on SIGTERM (a few seconds idle; the bound detects a hang on a loaded machine).
            Signal(w2.Process, "TERM");
            WaitFor(() => w2.Process.HasExited, TimeSpan.FromSeconds(90), "the worker to leave on SIGTERM", w2);
            w2.Process.WaitForExit(); // the rest of its output arrives after it exits
            Assert.True(w2.Printed("left the cluster after"), w2.Describe());
            Assert.Equal(0, w2.Process.ExitCode);
        }
        finally
        {
            foreach (var child in started)
            {
                child.Stop();
            }
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [SkippableFact]
    public void A_cluster_with_a_secret_admits_members_only_and_outlives_a_dead_members_entry_and_a_Redis_restart()
    {
        var redisServer = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        Skip.If(redisServer is null, "redis-server is not installed (.ci/run installs it: apt-get install redis-server).");
        var root = TempFolder("cluster-secret");
        var started = new List<Child>();
        try
        {
            var corpus = Path.Combine(root, "corpus");
            foreach (var (kind, seed) in new[] { ("dog", 3), ("cat", 5) })
            {
                Assert.Equal(0, Run("synth", kind, "--seconds", "2", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(corpus, kind, $"{kind}-{seed}.wav")).Code);
            }
            string[] settings = ["--masks", "time-frequency,time", "--count", "768", "--no-figures"];
            var secret = "s3cret-" + Guid.NewGuid().ToString("N");
            var member = new Dictionary<string, string?> { ["RELAX_CLUSTER_SECRET"] = secret };
            int port = FreePort();
            var redis = Start(started, redisServer!, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", secret);
            WaitFor(() => Accepts(port), TimeSpan.FromSeconds(20), "redis-server to accept connections", redis);
            string address = $"127.0.0.1:{port}";

            // Without the secret, and with a wrong one, Redis refuses the connection: one line that says where the secret
            // goes, without Orleans' log lines or a stack trace.
            foreach (var (environment, refusal) in new[]
            {
                (null, "refused a connection without a password"),
                (new Dictionary<string, string?> { ["RELAX_CLUSTER_SECRET"] = "guess" }, "refused the cluster's secret as its password"),
            })
            {
                var stranger = StartWith(started, environment, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "stranger");
                WaitFor(() => stranger.Process.HasExited, TimeSpan.FromSeconds(90), "a worker without the secret to give up", stranger, exitIsExpected: true);
                stranger.Process.WaitForExit();
                Assert.True(stranger.Process.ExitCode == 2, stranger.Describe());
                var lines = stranger.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1 && lines[0].Contains(refusal, StringComparison.Ordinal) && lines[0].Contains("RELAX_CLUSTER_SECRET", StringComparison.Ordinal), stranger.Describe());
            }

            // A member killed without a goodbye leaves its entry Active in Redis; a new member joins anyway (it skips
            // entries whose liveness is stale instead of waiting to reach them).
            var w1 = StartWith(started, member, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w1");
            WaitFor(() => w1.Printed("joined the cluster"), TimeSpan.FromSeconds(90), "the first member to join", w1);
            w1.Process.Kill(); // SIGKILL
            w1.Process.WaitForExit();
            var w2 = StartWith(started, member, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w2");
            WaitFor(() => w2.Printed("joined the cluster"), TimeSpan.FromSeconds(90), "a new member to join past the dead one's entry", w2);

            // Redis restarted empty mid-run (no persistence, as docs/cluster.md runs it): the members put their rows back,
            // the only worker from before is killed, and a worker that joins afterwards is seen by the client's silo (which
            // holds the run's queue) and finishes the run; the maps equal a single-process run's, and the client leaves
            // without hanging.
            var clustered = Path.Combine(root, "cluster");
            var client = StartWith(started, member, "dotnet", [Relax, "explain", corpus, .. settings, "-o", clustered, "--cluster", address]);
            WaitFor(() => client.Printed("[1/2]", onError: true), TimeSpan.FromMinutes(5), "the first recording to finish", client);
            redis.Process.Kill();
            redis.Process.WaitForExit();
            redis = Start(started, redisServer!, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", secret);
            WaitFor(() => Accepts(port), TimeSpan.FromSeconds(20), "redis-server to accept connections again", redis);
            w2.Process.Kill();
            w2.Process.WaitForExit();
            var w3 = StartWith(started, member, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w3");
            WaitFor(() => w3.Printed("joined the cluster"), TimeSpan.FromSeconds(90), "a member to join after Redis restarted empty", w3);
            WaitFor(() => client.Printed("Units per worker"), TimeSpan.FromMinutes(5), "the newcomer to finish the run", client);
            var finished = Stopwatch.StartNew();
            WaitFor(() => client.Process.HasExited, TimeSpan.FromSeconds(45), "the client to leave the cluster", client, exitIsExpected: true);
            client.Process.WaitForExit();
            output.WriteLine($"the client left {finished.Elapsed.TotalSeconds:F1} s after its last line; {client.Describe()}");
            Assert.True(client.Process.ExitCode == 0, client.Describe());
            Assert.Matches(@"Units per worker: (w2 \d+, )?w3 \d+\.", client.Describe());
            var single = Path.Combine(root, "single");
            var (code, _, error) = Run(["explain", corpus, .. settings, "-o", single]);
            Assert.True(code == 0, error);
            var maps = Directory.GetFiles(single, "*.npy", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(single, f)).Order(StringComparer.Ordinal).ToList();
            Assert.True(maps.Count >= 8 * 4, $"{maps.Count} maps");
            foreach (var map in maps)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(single, map)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(clustered, map))), $"{map} differs");
            }

            // A worker with other weights at the same path is refused by their hash: the client loads the weights, the
            // file is then changed in place (one bit of its last float), and a worker loads it from the same path.
            Signal(w3.Process, "TERM");
            WaitFor(() => w3.Process.HasExited, TimeSpan.FromSeconds(90), "the worker to leave on SIGTERM after the restart", w3, exitIsExpected: true);
            var weights = Path.Combine(root, "weights.dat");
            using (var network = global::Relax.Models.VGGish.Tests.FormulaWeights.Network())
            {
                global::Relax.Models.Weights.StateDictFile.Save(weights, network.state_dict(), global::Relax.Models.Weights.StateDictFormat.TorchSharp);
            }
            var runModel = global::Relax.Models.VGGish.VGGishModelProvider.IdentityOf(global::Relax.Models.VGGish.VGGishWeightsResolver.Sha256Of(weights));
            var checking = StartWith(started, member, "dotnet", [Relax, "explain", corpus, "--weights", weights, "--count", "8", "--no-figures", "-o", Path.Combine(root, "swapped"), "--cluster", address]);
            WaitFor(() => checking.Printed("Cluster: Redis at"), TimeSpan.FromMinutes(2), "the client to load its weights and join", checking);
            using (var file = new FileStream(weights, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Position = file.Length - 1;
                int last = file.ReadByte();
                file.Position = file.Length - 1;
                file.WriteByte((byte)(last ^ 0x01));
            }
            var workerModel = global::Relax.Models.VGGish.VGGishModelProvider.IdentityOf(global::Relax.Models.VGGish.VGGishWeightsResolver.Sha256Of(weights));
            var w4 = StartWith(started, member, "dotnet", Relax, "worker", "--cluster", address, "--threads", "1", "--name", "w4", "--weights", weights);
            WaitFor(() => checking.Process.HasExited, TimeSpan.FromMinutes(3), "the client to refuse the worker with other weights", checking, exitIsExpected: true);
            checking.Process.WaitForExit();
            Assert.True(checking.Process.ExitCode == 2, checking.Describe());
            Assert.True(checking.Printed("worker w4 cannot run this run's units and takes none", onError: true), checking.Describe());
            Assert.True(checking.Printed($"w4: it runs the model '{workerModel}', the run asks for '{runModel}'", onError: true), checking.Describe());
            Assert.True(w4.Printed("joined the cluster"), w4.Describe());
        }
        finally
        {
            foreach (var child in started)
            {
                child.Stop();
            }
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"(?<units>\d+) example × mask kind\(s\) explained .* in (?<seconds>[\d.]+) s\.")]
    private static partial Regex RunSummary();

    [GeneratedRegex(@"(?<n>\d+) reused")]
    private static partial Regex ReusedUnits();

    [GeneratedRegex(@"the first at (?<first>\S+); the coordinator restarted (?<restarts>\d+) time")]
    private static partial Regex Reissued();

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what, Child child, bool exitIsExpected = false)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"waited {timeout.TotalSeconds:F0} s for {what}. {child.Describe()}");
            Assert.False(!exitIsExpected && child.Process.HasExited && !condition(), $"{child.Name} exited while waiting for {what}. {child.Describe()}");
            Thread.Sleep(50);
        }
    }

    private static Child Start(List<Child> started, string file, params string[] args) => StartWith(started, null, file, args);

    private static Child StartWith(List<Child> started, IReadOnlyDictionary<string, string?>? environment, string file, params string[] args)
    {
        var process = new Process { StartInfo = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true } };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            process.StartInfo.Environment[name] = value;
        }
        var child = new Child($"{Path.GetFileName(file)} {string.Join(' ', args.Take(2))}", process);
        process.OutputDataReceived += (_, e) => Child.Append(child.Output, e.Data);
        process.ErrorDataReceived += (_, e) => Child.Append(child.Error, e.Data);
        process.Start();
        started.Add(child);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>A process this test started, with what it printed.</summary>
    private sealed class Child(string name, Process process)
    {
        public string Name { get; } = name;
        public Process Process { get; } = process;
        public StringBuilder Output { get; } = new();
        public StringBuilder Error { get; } = new();

        public static void Append(StringBuilder to, string? line)
        {
            if (line is not null)
            {
                lock (to)
                {
                    to.AppendLine(line);
                }
            }
        }

        public bool Printed(string text, bool onError = false)
        {
            var from = onError ? Error : Output;
            lock (from)
            {
                return from.ToString().Contains(text, StringComparison.Ordinal);
            }
        }

        public string Describe()
        {
            lock (Output)
            {
                lock (Error)
                {
                    return $"{Name}: stdout: {Output} stderr: {Error}";
                }
            }
        }

        /// <summary>Kills the process (and its children) by the PID the test started, if it still runs.</summary>
        public void Stop()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Never started, or already reaped.
            }
            Process.Dispose();
        }
    }
}
