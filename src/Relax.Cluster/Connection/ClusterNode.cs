using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Relax.Cluster;

/// <summary>
/// This process as a silo of a Relax cluster: what <c>relax explain|evaluate --cluster</c> (a member that hosts its
/// runs' coordinators) and <c>relax worker</c> (a member with <see cref="ClusterNodeOptions.Worker"/>) join as, and
/// what an application joins as to run a corpus or an evaluation on a cluster itself:
/// <code>
/// await using var node = await ClusterNode.JoinAsync(ClusterAccess.FromEnvironment("10.0.0.5:6379"));
/// await using var executor = ClusterUnitExecutor.ForCorpus(node.Client, corpus, node.HostCoordinator(new ClusterRunOptions(model)));
/// await executor.StartAsync();
/// var summary = await runner.RunAsync(recordings, executor);
/// </code>
/// Joining checks that Redis takes the secret and gives a membership table Redis lost a moment to be restored
/// (<see cref="RelaxClusterHosting.AwaitMembershipTableAsync"/>) before the silo starts; disposing leaves the cluster
/// (<see cref="LeaveAsync"/>).
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TimeSpan _leavePatience;
    private int _left;

    private ClusterNode(IHost host, ClusterAccess access, IPAddress address, int siloPort, int gatewayPort, TimeSpan leavePatience)
    {
        _host = host;
        Access = access;
        Address = address;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _leavePatience = leavePatience;
        Client = host.Services.GetRequiredService<IClusterClient>();
        SiloAddress = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        Worker = host.Services.GetService<IClusterWorkerStatus>();
        Stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    }

    /// <summary>How this process reached the cluster.</summary>
    public ClusterAccess Access { get; }

    /// <summary>The address other members reach this process at.</summary>
    public IPAddress Address { get; }

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The port clients connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>This silo's address as Orleans names it (<c>ILocalSiloDetails.SiloAddress</c>).</summary>
    public string SiloAddress { get; }

    /// <summary>The cluster's client, for <see cref="ClusterUnitExecutor"/>.</summary>
    public IClusterClient Client { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>What this node's worker has done; null when it is not a worker.</summary>
    public IClusterWorkerStatus? Worker { get; }

    /// <summary>Cancelled when the node starts to leave: <see cref="Stop"/>, Ctrl+C or SIGTERM (the host's console
    /// lifetime), or <see cref="LeaveAsync"/>.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Joins the cluster as a silo.</summary>
    /// <param name="access">Redis's address and the cluster's secret.</param>
    /// <param name="options">Address, ports, worker, timeouts, logging; null for the defaults.</param>
    /// <param name="cancellationToken">Stops joining.</param>
    /// <exception cref="ClusterJoinException">Redis cannot be reached or refuses the secret, the silo did not start in
    /// <see cref="ClusterNodeOptions.JoinTimeout"/>, or no network address could be chosen; one line.</exception>
    public static async Task<ClusterNode> JoinAsync(ClusterAccess access, ClusterNodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        options ??= new ClusterNodeOptions();
        var address = options.Advertise ?? AdvertisedAddress(access.Redis)
            ?? throw new ClusterJoinException("No network address found to offer the cluster; give one (ClusterNodeOptions.Advertise).", false, null);
        int siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort, gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
        try
        {
            await RelaxClusterHosting.AwaitMembershipTableAsync(access.Redis, access.Secret, TimeSpan.FromSeconds(5), cancellationToken)
                .WaitAsync(options.JoinTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or SocketException)
        {
            throw ClusterJoinException.For(access, e);
        }
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        if (options.Logging is { } logging)
        {
            logging(builder.Logging);
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.None);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.LeavePatience);
        builder.UseOrleans(silo =>
        {
            silo.UseRelaxRedisCluster(access.Redis, address, siloPort, gatewayPort, access.Secret);
            if (options.Worker is { } worker)
            {
                silo.AddRelaxWorker(worker);
            }
            else
            {
                silo.ConfigureRelaxTimings();
            }
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).WaitAsync(options.JoinTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisConnectionException or TimeoutException or OrleansException or InvalidOperationException or SocketException)
        {
            host.Dispose();
            throw ClusterJoinException.For(access, e);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new ClusterNode(host, access, address, siloPort, gatewayPort, options.LeavePatience);
    }

    /// <summary>Run settings whose coordinator lives on this node's silo, so no worker's death takes the run's
    /// queue with it (<see cref="ClusterRunOptions.CoordinatorSilo"/>).</summary>
    /// <param name="options">The run's settings.</param>
    public ClusterRunOptions HostCoordinator(ClusterRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { CoordinatorSilo = SiloAddress };
    }

    /// <summary>Starts leaving the cluster (as Ctrl+C does); <see cref="WaitForShutdownAsync"/> completes once left.</summary>
    public void Stop() => _host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    /// <summary>Waits until the node is asked to leave (<see cref="Stop"/>, Ctrl+C, SIGTERM), then leaves: a worker
    /// hands back the results it has computed, and the leases of units it has not lapse, so they are re-issued
    /// within seconds. Leaving gives up after <see cref="ClusterNodeOptions.LeavePatience"/> (Redis gone).</summary>
    public async Task WaitForShutdownAsync()
    {
        await _host.WaitForShutdownAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _left, 1);
    }

    /// <summary>Leaves the cluster: the silo marks itself dead in Redis. When Redis cannot be reached that would wait
    /// for ever: after <see cref="ClusterNodeOptions.LeavePatience"/> the silo stops without the goodbye (the others
    /// declare it dead as they would after a crash).</summary>
    /// <returns>Whether it left cleanly in time (false also when it had left already).</returns>
    public async Task<bool> LeaveAsync()
    {
        if (Interlocked.Exchange(ref _left, 1) == 1)
        {
            return false;
        }
        using var patience = new CancellationTokenSource(_leavePatience);
        try
        {
            await _host.StopAsync(patience.Token).WaitAsync(_leavePatience * 2, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Leaves the cluster (<see cref="LeaveAsync"/>) unless it has left, and releases the silo.</summary>
    public async ValueTask DisposeAsync()
    {
        await LeaveAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    /// <summary>The address other members reach this machine at: loopback when Redis is on this machine's loopback
    /// (<c>localhost</c> or a loopback address), else the first up, non-loopback IPv4 address; null when there is none.</summary>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    public static IPAddress? AdvertisedAddress(string redis)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        int colon = redis.LastIndexOf(':');
        string host = colon > 0 ? redis[..colon] : redis;
        if (host is "localhost" || (IPAddress.TryParse(host, out var redisAddress) && IPAddress.IsLoopback(redisAddress)))
        {
            return IPAddress.Loopback;
        }
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
    }

    /// <summary>A TCP port free on this machine now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
