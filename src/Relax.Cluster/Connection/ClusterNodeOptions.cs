using System.Net;
using Microsoft.Extensions.Logging;

namespace Relax.Cluster;

/// <summary>How this process joins a Relax cluster as a silo (<see cref="ClusterNode.JoinAsync"/>), checked when set.</summary>
public sealed record ClusterNodeOptions
{
    private readonly int _siloPort;
    private readonly int _gatewayPort;
    private readonly TimeSpan _joinTimeout = TimeSpan.FromSeconds(60);
    private readonly TimeSpan _leavePatience = TimeSpan.FromSeconds(15);

    /// <summary>The address other members reach this process at; null for <see cref="ClusterNode.AdvertisedAddress"/>
    /// (loopback when Redis is on loopback, else this machine's first network address).</summary>
    public IPAddress? Advertise { get; init; }

    /// <summary>The silo-to-silo port; 0 (the default) picks a free one.</summary>
    public int SiloPort
    {
        get => _siloPort;
        init => _siloPort = value is >= 0 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(SiloPort), value, "Give a port from 0 (any free one) to 65535.");
    }

    /// <summary>The port clients connect to; 0 (the default) picks a free one.</summary>
    public int GatewayPort
    {
        get => _gatewayPort;
        init => _gatewayPort = value is >= 0 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(GatewayPort), value, "Give a port from 0 (any free one) to 65535.");
    }

    /// <summary>Makes the node a worker that computes the units of the open runs with this model; null (the
    /// default) for a node that only hosts its own runs' coordinators, as a client of <c>relax explain --cluster</c>
    /// does, so that no worker's death takes a run's queue with it.</summary>
    public ClusterWorkerOptions? Worker { get; init; }

    /// <summary>How long joining may take (reaching Redis, waiting for a membership table Redis lost, starting the
    /// silo). Default 60 s.</summary>
    public TimeSpan JoinTimeout
    {
        get => _joinTimeout;
        init => _joinTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(JoinTimeout), value, "Give a positive time.");
    }

    /// <summary>How long leaving may take: the silo marks itself dead in Redis, which waits for ever when Redis is gone;
    /// after this the silo stops without the goodbye (the others declare it dead as after a crash). Default 15 s.</summary>
    public TimeSpan LeavePatience
    {
        get => _leavePatience;
        init => _leavePatience = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(LeavePatience), value, "Give a positive time.");
    }

    /// <summary>Configures the node's logging; null (the default) for none. Orleans logs dozens of lines, with stack
    /// traces, for one failed join: <c>relax</c> shows them only with <c>--verbose</c>.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }
}
