using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Relax.Cluster;

/// <summary>
/// Wires Relax into Orleans hosts: <see cref="AddRelaxWorker"/> makes a silo explain; <see cref="UseRelaxRedisCluster(ISiloBuilder, string, IPAddress, int, int)"/>
/// and <see cref="UseRelaxRedisCluster(IClientBuilder, string)"/> join a silo or a client to a cluster whose
/// membership lives in Redis. Both also set the clocks every member must share: responses time out after 10 s
/// (Orleans' default is 30 s, and a call in flight to a dead silo waits that long), and a silo that misses three
/// 2-second probes is declared dead (about 6–10 s instead of 15–20 s). Faster probes would risk declaring a busy but
/// healthy worker dead; leases, not membership, bring a dead worker's units back within seconds.
/// </summary>
public static class RelaxClusterHosting
{
    /// <summary>The cluster and service id of every Relax cluster (one Redis database, one cluster).</summary>
    public const string ClusterId = "relax";

    /// <summary>Makes this silo a worker: it explains units of the open runs with <paramref name="options"/>' model.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="options">The model and the worker's name.</param>
    public static ISiloBuilder AddRelaxWorker(this ISiloBuilder silo, ClusterWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<ClusterWorker>();
        silo.Services.AddSingleton<IClusterWorkerStatus>(services => services.GetRequiredService<ClusterWorker>());
        silo.Services.AddHostedService(services => services.GetRequiredService<ClusterWorker>());
        return silo.ConfigureRelaxTimings();
    }

    /// <summary>Shared clocks for a silo that hosts Relax's grains (called by <see cref="AddRelaxWorker"/>), and Orleans'
    /// strongly consistent grain directory (every silo of a cluster must use the same directory); also registers this
    /// assembly's grains and serializers, so an application needs no Orleans code generation of its own.</summary>
    public static ISiloBuilder ConfigureRelaxTimings(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(RelaxClusterHosting).Assembly));
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ClusterTimings.ResponseTimeout);
        // The strongly consistent grain directory: when a silo dies, the new owner of its directory range asks every
        // silo which activations it holds, so a coordinator alive on the client's silo stays the one every worker
        // reaches (the default directory can lose the entry with the dead silo, and a second, empty coordinator starts).
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10.4
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.DefunctSiloExpiration = TimeSpan.FromHours(1);
            o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
        });
        return silo;
    }

    /// <summary>Joins a silo to the Relax cluster whose membership is in Redis at <paramref name="redis"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c> (a StackExchange.Redis configuration string).</param>
    /// <param name="advertised">The address other members reach this silo at.</param>
    /// <param name="siloPort">The silo-to-silo port.</param>
    /// <param name="gatewayPort">The port clients connect to.</param>
    public static ISiloBuilder UseRelaxRedisCluster(this ISiloBuilder silo, string redis, IPAddress advertised, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        ArgumentNullException.ThrowIfNull(advertised);
        return silo.UseRedisClustering(redis)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId))
            .ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
    }

    /// <summary>Joins a client to the Relax cluster whose membership is in Redis at <paramref name="redis"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    public static IClientBuilder UseRelaxRedisCluster(this IClientBuilder client, string redis)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(RelaxClusterHosting).Assembly));
        return client.UseRedisClustering(redis)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId))
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClusterTimings.ResponseTimeout);
    }
}
