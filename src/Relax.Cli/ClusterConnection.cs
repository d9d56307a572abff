using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relax.Cluster;
using StackExchange.Redis;

namespace Relax.Cli;

/// <summary>The command line's side of a cluster: the <c>--cluster HOST:PORT</c> address (Redis, where membership
/// lives), a client host that fails with one line, and the addresses and ports a worker offers.</summary>
internal static class ClusterConnection
{
    /// <summary>Checks <c>HOST:PORT</c> and returns it as given.</summary>
    public static string Address(string value)
    {
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new CliException($"--cluster {value}: give Redis's address as HOST:PORT, for example 10.0.0.5:6379.");
        }
        return value;
    }

    /// <summary>A started silo that joins the cluster without explaining (the client's own: it hosts the run's
    /// coordinator, so no worker's death takes the queue with it), or one line saying why there is none.</summary>
    public static async Task<IHost> JoinAsync(string redis, string? advertise, TimeSpan timeout)
    {
        var builder = Host.CreateApplicationBuilder([]);
        Quiet(builder.Logging);
        var address = Advertised(redis, advertise);
        builder.UseOrleans(silo => silo.UseRelaxRedisCluster(redis, address, FreePort(), FreePort()).ConfigureRelaxTimings());
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(timeout);
            return host;
        }
        catch (Exception e) when (e is RedisConnectionException or TimeoutException or OrleansException or InvalidOperationException or SocketException)
        {
            host.Dispose();
            throw new CliException($"cannot join the cluster through Redis at {redis}: {FirstLine(e.Message)}. Start redis-server there and at least one `relax worker --cluster {redis}` first.");
        }
    }

    /// <summary>Warnings and errors only, on standard error (progress and results own standard output).</summary>
    public static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Error);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>The address other members reach this machine at: loopback when Redis is on this machine's loopback,
    /// else the first up, non-loopback IPv4 address.</summary>
    public static IPAddress Advertised(string redis, string? given)
    {
        if (given is not null)
        {
            return IPAddress.TryParse(given, out var address) ? address : throw new CliException($"--advertise {given}: give an IP address.");
        }
        string host = redis[..redis.LastIndexOf(':')];
        if (host is "localhost" || (IPAddress.TryParse(host, out var redisAddress) && IPAddress.IsLoopback(redisAddress)))
        {
            return IPAddress.Loopback;
        }
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new CliException("No network address found to offer the cluster; give one with --advertise IP.");
    }

    /// <summary>A TCP port free on this machine now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('.', '\r');
}
