using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;

namespace Relax.Cluster.Tests;

/// <summary>
/// A cluster with a secret admits only members that know it: its Orleans cluster id is derived from the secret, and
/// every silo's handshake refuses a connection that presents another id, so a process that can reach a worker's ports
/// but lacks the secret cannot open a run, take a unit or hand in a result. (Redis's side, its password, is checked by
/// the multi-process test in Relax.Cli.Tests.)
/// </summary>
public sealed class ClusterSecretTests
{
    [Fact]
    public void The_cluster_id_is_a_one_way_function_of_the_secret()
    {
        Assert.Equal("relax", RelaxClusterHosting.ClusterIdFor(null));
        // printf 'relax cluster id\ns3cret' | sha256sum | cut -c1-32
        Assert.Equal("relax-8743eae557e83cc0deb25c9d2024e695", RelaxClusterHosting.ClusterIdFor("s3cret"));
        Assert.NotEqual(RelaxClusterHosting.ClusterIdFor("s3cret"), RelaxClusterHosting.ClusterIdFor("s3cret "));
        Assert.DoesNotContain("s3cret", RelaxClusterHosting.ClusterIdFor("s3cret"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_the_secret_is_refused_by_the_silo_and_one_with_it_is_served()
    {
        int siloPort = FreePort(), gatewayPort = FreePort();
        var member = RelaxClusterHosting.ClusterIdFor("s3cret");
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: member, clusterId: member).ConfigureRelaxTimings());
        using var silo = siloBuilder.Build();
        await silo.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            foreach (var (secret, admitted) in new[] { ((string?)"s3cret", true), ("guess", false), (null, false) })
            {
                var id = RelaxClusterHosting.ClusterIdFor(secret);
                var clientBuilder = Host.CreateApplicationBuilder();
                clientBuilder.UseOrleansClient(client =>
                {
                    client.UseLocalhostClustering(gatewayPort, serviceId: id, clusterId: id);
                    client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(RelaxClusterHosting).Assembly));
                });
                using var host = clientBuilder.Build();
                Exception? refused = null;
                try
                {
                    // A refused client retries its gateway until the wait ends: refused either way.
                    await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(admitted ? 60 : 15));
                    var run = host.Services.GetRequiredService<IClusterClient>().GetGrain<IRunCoordinatorGrain>("run-" + (secret ?? "none"));
                    await run.Open(new RunSpec("run", "model", "Float32", "cpu", new ExplainRecipe(["relax.count"], ["8"], 8, ["time"], 0.5, Relax.Runs.RunSettings.CurrentVersion)))
                        .WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception e) when (!admitted || e is not TimeoutException)
                {
                    refused = e;
                }
                Assert.True(admitted == (refused is null), $"secret {secret ?? "(none)"}: {(refused is null ? "served" : refused.GetType().Name + ": " + refused.Message)}");
            }
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
