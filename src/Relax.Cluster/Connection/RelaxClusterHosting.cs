using System.Net;
using System.Security.Cryptography;
using System.Text;
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
/// healthy worker dead; leases, not membership, bring a dead worker's units back within seconds. Members publish their
/// liveness to the table every 5 s, so a joining member ignores an entry left Active by a member killed without a
/// goodbye once it is 10 s stale, instead of waiting to reach it.
/// </summary>
/// <remarks>
/// A cluster with a secret (the <c>secret</c> parameters) admits only members that know it: Redis checks it as its
/// password (<c>requirepass</c>), and the Orleans cluster id is derived from it (<see cref="ClusterIdFor"/>), so a silo
/// or client without it is refused by every silo's handshake even when it can reach their ports. The traffic itself
/// is not encrypted (docs/cluster.md says when that matters).
/// </remarks>
public static class RelaxClusterHosting
{
    /// <summary>The cluster and service id of a Relax cluster without a secret (one Redis database, one cluster).</summary>
    public const string ClusterId = "relax";

    /// <summary>The Orleans cluster (and service) id of a cluster: <see cref="ClusterId"/> without a secret, else
    /// <c>relax-</c> and 32 hex digits of the SHA-256 of the secret (the id travels in every connection's handshake;
    /// the secret cannot be recovered from it).</summary>
    /// <param name="secret">The cluster's secret, or null for an open cluster.</param>
    public static string ClusterIdFor(string? secret) => secret is null
        ? ClusterId
        : "relax-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("relax cluster id\n" + secret)))[..32];

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
        silo.Services.AddHostedService<MembershipRepair>();
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
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.NumMissedTableIAmAliveLimit = 2;
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
    public static ISiloBuilder UseRelaxRedisCluster(this ISiloBuilder silo, string redis, IPAddress advertised, int siloPort, int gatewayPort) =>
        silo.UseRelaxRedisCluster(redis, advertised, siloPort, gatewayPort, secret: null);

    /// <summary>Joins a silo to the Relax cluster whose membership is in Redis at <paramref name="redis"/>, with the
    /// cluster's secret (Redis's password and the source of the cluster id; see <see cref="ClusterIdFor"/>).</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c> (a StackExchange.Redis configuration string).</param>
    /// <param name="advertised">The address other members reach this silo at.</param>
    /// <param name="siloPort">The silo-to-silo port.</param>
    /// <param name="gatewayPort">The port clients connect to.</param>
    /// <param name="secret">The cluster's secret, or null for an open cluster.</param>
    public static ISiloBuilder UseRelaxRedisCluster(this ISiloBuilder silo, string redis, IPAddress advertised, int siloPort, int gatewayPort, string? secret)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        ArgumentNullException.ThrowIfNull(advertised);
        var id = ClusterIdFor(secret);
        return silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis, secret))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (id, id))
            .ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
    }

    /// <summary>Joins a client to the Relax cluster whose membership is in Redis at <paramref name="redis"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    public static IClientBuilder UseRelaxRedisCluster(this IClientBuilder client, string redis) => client.UseRelaxRedisCluster(redis, secret: null);

    /// <summary>Joins a client to the Relax cluster whose membership is in Redis at <paramref name="redis"/>, with the
    /// cluster's secret.</summary>
    /// <param name="client">The client.</param>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    /// <param name="secret">The cluster's secret, or null for an open cluster.</param>
    public static IClientBuilder UseRelaxRedisCluster(this IClientBuilder client, string redis, string? secret)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        var id = ClusterIdFor(secret);
        client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(RelaxClusterHosting).Assembly));
        return client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis, secret))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (id, id))
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClusterTimings.ResponseTimeout);
    }

    /// <summary>
    /// Before a silo joins: when the membership table is missing from Redis (a new cluster, or Redis restarted empty),
    /// waits up to <paramref name="patience"/> for the running members to put their rows back (<c>MembershipRepair</c>
    /// does within a second). A silo that joined the empty table would see itself alone, take the whole grain directory
    /// and serve runs nobody else sees; after the wait it joins either the restored table or, for a new cluster, an
    /// empty one. Also checks that Redis accepts the secret, before Orleans starts.
    /// </summary>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    /// <param name="secret">The cluster's secret, or null for an open cluster.</param>
    /// <param name="patience">How long to wait for a missing table; <c>relax</c> waits 5 s, five periods of the repair (room for a loaded machine).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>Whether the table was there (at once or within the wait).</returns>
    /// <exception cref="StackExchange.Redis.RedisConnectionException">Redis cannot be reached or refuses the secret.</exception>
    public static async Task<bool> AwaitMembershipTableAsync(string redis, string? secret, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        var options = RedisOptions(redis, secret);
        options.ConnectTimeout = (int)ClusterTimings.ResponseTimeout.TotalMilliseconds;
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var database = connection.GetDatabase();
        var id = ClusterIdFor(secret);
        var key = new StackExchange.Redis.RedisKey($"{id}/members/{id}");   // Orleans' Redis provider's default key
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await database.KeyExistsAsync(key).ConfigureAwait(false))
            {
                return true;
            }
            if (clock.Elapsed >= patience)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>StackExchange.Redis's settings for <paramref name="redis"/>, with the secret as Redis's password.</summary>
    private static StackExchange.Redis.ConfigurationOptions RedisOptions(string redis, string? secret)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(redis);
        if (secret is not null)
        {
            options.Password = secret;
        }
        return options;
    }
}
