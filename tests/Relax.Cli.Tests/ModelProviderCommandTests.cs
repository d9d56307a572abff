using System.Diagnostics;
using System.Globalization;
using Relax.Classification;
using Relax.Models;
using static TorchSharp.torch;

namespace Relax.Cli.Tests;

/// <summary>
/// A model the <c>relax</c> command does not ship, brought to <c>explain</c>, <c>evaluate</c> and <c>worker</c> by one
/// model provider written in this file and nothing else: a random projection of the log-mel example with a two-class
/// head. The command line chooses it with <c>--model toy</c> from the catalog it is given.
/// </summary>
public sealed class ModelProviderCommandTests
{
    /// <summary>An embedder in a few lines: tanh of a fixed random projection of the (96 × 64) input to 8 numbers;
    /// differentiable, so the gradient explainers work on it too.</summary>
    private sealed class ToyEmbedder : IEmbedder, IDisposable
    {
        private readonly Tensor _projection;

        public ToyEmbedder(int seed)
        {
            var random = new Random(seed);
            var values = new float[96 * 64 * 8];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5) * 0.01f;
            }
            _projection = tensor(values, [96L * 64, 8]);
        }

        public int Calls { get; private set; }

        public Device Device => CPU;

        public Tensor Embed(Tensor inputs)
        {
            Calls++;
            return inputs.reshape(inputs.shape[0], -1).matmul(_projection).tanh();
        }

        public void Dispose() => _projection.Dispose();
    }

    /// <summary>The provider: all it takes to bring the toy model to the command line.</summary>
    private sealed class ToyProvider : IModelProvider
    {
        public string Name => "toy";

        public string Description => "a random projection (tests only)";

        public ToyEmbedder? Last { get; private set; }

        public bool IsDefaultFor(ModelRequest request) => false;

        public AudioModel Load(ModelRequest request)
        {
            Last = new ToyEmbedder(seed: 7);
            var head = new LinearSoftmaxClassifier(new double[,] { { 1, 0, 0, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0, 0, 0 } }, [0, 0]);
            return new AudioModel(Last, "toy model (random projection to 8 numbers, seed 7)", 96 * 64 * sizeof(float) * 2, head, ["bird", "cat"]);
        }
    }

    private static (int Code, string Output, string Error) Run(ModelCatalog models, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RelaxCli.Run(args, output, error, models);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_provider_brings_its_model_to_explain_and_evaluate()
    {
        var toy = new ToyProvider();
        var models = RelaxCli.BuiltInModels.With(toy);
        var explained = CliHarness.TempFolder("toy-explain");
        var evaluated = CliHarness.TempFolder("toy-evaluate");
        try
        {
            var (code, output, error) = Run(models, "explain", CliHarness.Clip, "--model", "toy", "--masks", "time", "-n", "64", "--example", "0", "--no-figures", "-o", explained);
            Assert.True(code == 0, error);
            Assert.Contains("Model: toy model (random projection to 8 numbers, seed 7)", output, StringComparison.Ordinal);
            Assert.True(toy.Last!.Calls > 0);
            var saliency = NpyMap(Path.Combine(explained, "synthetic-bird", "example-000", "time", "saliency.npy"));
            Assert.Equal(96 * 64, saliency.Length);
            Assert.Contains("toy model", File.ReadAllText(Path.Combine(explained, "corpus.json")), StringComparison.Ordinal);

            (code, output, error) = Run(models, "evaluate", CliHarness.Clip, "--model", "toy", "--explainers", "relax,occlusion,gradient,rise", "-n", "32",
                "--examples-per-file", "1", "--no-figures", "--no-audio", "-o", evaluated);
            Assert.True(code == 0, error);
            Assert.Contains("Classifier head: bird / cat", output, StringComparison.Ordinal);
            Assert.True(Directory.EnumerateFiles(evaluated, "result.json", SearchOption.AllDirectories).Any());

            // What the model cannot do is refused by what it describes, not by its name: it has no layers for LRP.
            (code, _, error) = Run(models, "evaluate", CliHarness.Clip, "--model", "toy", "--explainers", "lrp", "-o", CliHarness.TempFolder("toy-lrp"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("lrp walks the network layer by layer", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // The built-in catalog does not know it: a usage error that lists the names there are.
            (code, _, error) = Run(RelaxCli.BuiltInModels, "explain", CliHarness.Clip, "--model", "toy", "-o", CliHarness.TempFolder("toy-unknown"));
            Assert.Equal(RelaxCli.UsageError, code);
            Assert.Contains("--model toy: unknown; use one of: vggish, default, torchscript, onnx, or a model file (.pt, .ts, .torchscript, .onnx).", error, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var folder in new[] { explained, evaluated })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    [SkippableFact]
    public void A_worker_in_process_explains_with_the_providers_model_and_a_client_gets_the_same_maps()
    {
        var redisServer = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        Skip.If(redisServer is null, "redis-server is not installed (.ci/run installs it: apt-get install redis-server).");
        var models = RelaxCli.BuiltInModels.With(new ToyProvider());
        var local = CliHarness.TempFolder("toy-local");
        var remote = CliHarness.TempFolder("toy-cluster");
        string[] settings = [CliHarness.Clip, "--model", "toy", "--masks", "time", "-n", "64", "--example", "1", "--no-figures"];
        int port = CliHarness.FreePort();
        using var redis = Process.Start(new ProcessStartInfo(redisServer!, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        using var leave = new CancellationTokenSource();
        var workerOutput = new StringWriter();
        var workerError = new StringWriter();
        Task<int>? worker = null;
        try
        {
            var clock = Stopwatch.StartNew();
            while (!CliHarness.Accepts(port))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "redis-server did not accept connections within 20 s");
                Thread.Sleep(50);
            }
            string address = $"127.0.0.1:{port}";
            var workerOut = TextWriter.Synchronized(workerOutput);
            worker = Task.Run(() => RelaxCli.Run(["worker", "--cluster", address, "--model", "toy", "--name", "toy-worker"], workerOut, TextWriter.Synchronized(workerError), models, leave.Token));
            clock.Restart();
            while (!Printed(workerOut, workerOutput, "joined the cluster"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90) && !worker.IsCompleted, $"the worker did not join: {workerOutput} {workerError}");
                Thread.Sleep(50);
            }
            Assert.Contains("toy model (random projection to 8 numbers, seed 7)", workerOutput.ToString(), StringComparison.Ordinal);

            var (code, _, error) = Run(models, ["explain", .. settings, "--cluster", address, "-o", remote]);
            Assert.True(code == 0, error);
            (code, _, error) = Run(models, ["explain", .. settings, "-o", local]);
            Assert.True(code == 0, error);
            var map = Path.Combine("synthetic-bird", "example-001", "time", "saliency.npy");
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, map)), File.ReadAllBytes(Path.Combine(remote, map)));

            leave.Cancel();
            Assert.True(worker.Wait(TimeSpan.FromSeconds(60)), "the worker did not leave within 60 s of its cancellation");
            Assert.True(worker.Result == 0, workerError.ToString());
            Assert.Contains("left the cluster after 1 unit(s)", workerOutput.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            leave.Cancel();
            worker?.Wait(TimeSpan.FromSeconds(60));
            redis.Kill();
            redis.WaitForExit();
            foreach (var folder in new[] { local, remote })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    private static float[] NpyMap(string path) => global::Relax.IO.NpyFile.Read(path).Data;

    private static bool Printed(TextWriter synchronised, StringWriter inner, string text)
    {
        lock (synchronised)
        {
            return inner.ToString().Contains(text, StringComparison.Ordinal);
        }
    }
}
