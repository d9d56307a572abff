namespace Relax.Cluster;

/// <summary>This process could not join the cluster (Redis cannot be reached or refuses the secret, the silo did not
/// start in time, a port is taken); the message is one line saying why.</summary>
public sealed class ClusterJoinException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why, in one line.</param>
    /// <param name="secretRefused">Whether Redis refused the secret (or its absence) as its password.</param>
    /// <param name="inner">What failed underneath.</param>
    public ClusterJoinException(string message, bool secretRefused, Exception? inner) : base(message, inner) => SecretRefused = secretRefused;

    /// <summary>Whether Redis refused the secret (or its absence) as its password: the fix is the secret, not the network.</summary>
    public bool SecretRefused { get; }

    /// <summary>The exception for a failed join through <paramref name="access"/>: a refused password says where the
    /// secret goes; anything else says what failed, in one line.</summary>
    internal static ClusterJoinException For(ClusterAccess access, Exception e)
    {
        bool refused = false;
        for (Exception? inner = e; inner is not null && !refused; inner = inner.InnerException)
        {
            refused = inner is StackExchange.Redis.RedisConnectionException { FailureType: StackExchange.Redis.ConnectionFailureType.AuthenticationFailure }
                || inner.Message.Contains("NOAUTH", StringComparison.Ordinal) || inner.Message.Contains("WRONGPASS", StringComparison.Ordinal)
                || inner.Message.Contains("authentication failure", StringComparison.OrdinalIgnoreCase);
        }
        return refused
            ? new($"Redis at {access} refused {(access.Secret is null ? "a connection without a password" : "the cluster's secret as its password")}: give every worker and client the secret the cluster was started with in ${ClusterAccess.SecretVariable} (or a file named by ${ClusterAccess.SecretFileVariable}).", true, e)
            : new($"cannot join the cluster through Redis at {access}: {e.Message.Split('\n')[0].TrimEnd('.', '\r')}.", false, e);
    }
}
