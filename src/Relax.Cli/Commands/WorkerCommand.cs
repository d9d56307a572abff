using System.CommandLine;
using System.Globalization;
using Relax.Attribution;
using Relax.Cluster;
using Relax.Hosting;
using Relax.Models;
using static TorchSharp.torch;

namespace Relax.Cli.Commands;

/// <summary><c>relax worker</c>: joins a Relax cluster as an Orleans silo that explains with the model it loaded,
/// until Ctrl+C or SIGTERM, then leaves the cluster cleanly: results already computed are handed back, and the leases
/// of units not yet done lapse, so they are re-issued within seconds.</summary>
internal static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var cluster = new Option<string>("--cluster") { Description = $"Redis's address, HOST:PORT: where the cluster's membership lives (the same for every worker and client). A cluster across machines needs a secret, in ${ClusterAccess.SecretVariable} (or a file named by ${ClusterAccess.SecretFileVariable}): Redis's password, from which the cluster id is derived.", Required = true };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads for this worker's forward passes; default: libtorch's own (the cores)." }.InRange(1, 1024);
        var advertise = new Option<string?>("--advertise") { Description = "The IP address other machines reach this worker at; default loopback when Redis is on loopback, else this machine's first network address." };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port; 0 picks a free one.", DefaultValueFactory = _ => 0 }.InRange(0, 65535);
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Port clients connect to; 0 picks a free one.", DefaultValueFactory = _ => 0 }.InRange(0, 65535);
        var name = new Option<string?>("--name") { Description = "This worker's name in status lines; default host:pid." };
        var dtype = CliOptions.DType();
        var device = CliOptions.Device();
        var batch = CliOptions.Batch("Masks (inputs) per forward pass on this worker; results do not depend on it.");
        var model = new ModelOptions(context.Models, "Official VGGish weights; every worker and the client must load the same model. Default: $RELAX_VGGISH_WEIGHTS, the cache, else the shipped default model.");
        var command = new Command("worker", "Join a Relax cluster (membership in Redis) and explain the examples (relax explain --cluster) or evaluate the clips (relax evaluate --cluster) clients send, until Ctrl+C or SIGTERM.")
        {
            cluster, threads, advertise, port, gatewayPort, name, dtype, device, batch, model.Model, model.Weights, model.ModelCard,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () => Run(
            ClusterConnection.Address(parse.GetRequiredValue(cluster), parse.GetValue(context.Verbose)), parse.GetValue(threads), parse.GetValue(advertise), parse.GetValue(port),
            parse.GetValue(gatewayPort), parse.GetValue(name),
            model.Request(parse, parse.GetRequiredValue(device), CliOptions.DTypeOf(parse, dtype), CliOptions.BatchFor(parse.GetValue(batch), parse.GetRequiredValue(device))), context)));
        return command;
    }

    private static void Run(ClusterTarget redis, int? threads, string? advertise, int port, int gatewayPort, string? name, ModelRequest request, CliContext context)
    {
        if (threads is { } t)
        {
            set_num_threads(t);
        }
        using var model = context.LoadModel(request);
        NativeNnpack.DisableIfUnavailable();
        var identity = new ClusterModel(model.Identity, request.DType.ToString(), request.Device.ToString());
        RelaxCli.WriteNotice(context.Output, model.Notice);
        var options = new ClusterWorkerOptions(model.Embedder, identity)
        {
            Name = name ?? $"{Environment.MachineName}:{Environment.ProcessId}",
            Head = model.Head,
            Lrp = LrpNetwork.For(model),
            BatchSize = request.BatchSize,
        };
        var node = ClusterConnection.Join(redis, advertise, new ClusterNodeOptions { SiloPort = port, GatewayPort = gatewayPort, Worker = options },
            "Is redis-server running there?");
        try
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"relax worker {options.Name} joined the cluster at {redis}: silo {node.Address}:{node.SiloPort}, gateway {node.GatewayPort}; model {identity}; {get_num_threads()} thread(s). Ctrl+C or SIGTERM leaves the cluster."));
            context.Output.Flush();
            // Leaving cleanly needs Redis (the silo marks itself dead in the membership table). When Redis is gone, Orleans
            // would wait indefinitely: after 20 s the worker says so and exits anyway (its leases lapse as a crash's would).
            // The watchdog is called off once the node has left, so a worker run in-process (an application's, a test's)
            // never ends its host process after a clean leave.
            using var left = new CancellationTokenSource();
            node.Stopping.Register(() => Task.Delay(TimeSpan.FromSeconds(20), left.Token).ContinueWith(_ =>
            {
                context.Error.WriteLine($"relax worker {options.Name}: could not leave the cluster cleanly within 20 s (is Redis at {redis} reachable?); exiting.");
                context.Error.Flush();
                Environment.Exit(RelaxCli.Failure);
            }, left.Token, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));
            // Ctrl+C and SIGTERM stop the node (its host's console lifetime); so does the caller's token when run in-process.
            using var stop = context.Cancellation.Register(node.Stop);
            try
            {
                node.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                left.Cancel();
            }
            context.Output.WriteLine($"relax worker {options.Name} left the cluster after {node.Worker!.Completed} unit(s).");
        }
        finally
        {
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
