using Relax.IO;

namespace Relax.Cluster;

/// <summary>
/// How a process reaches a Relax cluster: Redis's address (where membership lives) and the cluster's secret (Redis's
/// password, from which the Orleans cluster id is derived: <see cref="RelaxClusterHosting.ClusterIdFor"/>; null for an
/// open cluster on one machine). <see cref="FromEnvironment"/> reads the secret where <c>relax</c> does — the
/// environment, never a command line, which every user of the machine can read. Prints as the address alone, so no
/// message shows the secret.
/// </summary>
public sealed record ClusterAccess
{
    /// <summary>The environment variable that holds the cluster's secret.</summary>
    public const string SecretVariable = "RELAX_CLUSTER_SECRET";

    /// <summary>The environment variable that names a file holding the cluster's secret (for service managers).</summary>
    public const string SecretFileVariable = "RELAX_CLUSTER_SECRET_FILE";

    /// <summary>The longest secret file read.</summary>
    private const long MaxSecretFileBytes = 4096;

    /// <summary>Creates the access.</summary>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c> (<see cref="IsAddress"/>).</param>
    /// <param name="secret">The cluster's secret; null or empty for an open cluster.</param>
    /// <exception cref="ArgumentException"><paramref name="redis"/> is not <c>HOST:PORT</c>.</exception>
    public ClusterAccess(string redis, string? secret = null)
    {
        Redis = IsAddress(redis) ? redis : throw new ArgumentException($"Redis's address '{redis}': give HOST:PORT, for example 10.0.0.5:6379.", nameof(redis));
        Secret = string.IsNullOrEmpty(secret) ? null : secret;
    }

    /// <summary>Redis's address, <c>HOST:PORT</c>.</summary>
    public string Redis { get; }

    /// <summary>The cluster's secret, or null for an open cluster.</summary>
    public string? Secret { get; }

    /// <summary>The access with the secret from the environment (<see cref="SecretFromEnvironment"/>).</summary>
    /// <param name="redis">Redis's address, <c>HOST:PORT</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="redis"/> is not <c>HOST:PORT</c>.</exception>
    /// <exception cref="InvalidDataException">The secret file cannot be read, is too long or holds only white space
    /// (one line, starting with the variable's name).</exception>
    public static ClusterAccess FromEnvironment(string redis) => new(redis, SecretFromEnvironment());

    /// <summary>Whether <paramref name="value"/> is <c>HOST:PORT</c> with a port from 1 to 65535.</summary>
    public static bool IsAddress(string? value)
    {
        int colon = value?.LastIndexOf(':') ?? -1;
        return colon > 0 && int.TryParse(value.AsSpan(colon + 1), out int port) && port is >= 1 and <= 65535;
    }

    /// <summary>The cluster's secret: <c>$RELAX_CLUSTER_SECRET</c>, else the content of the file
    /// <c>$RELAX_CLUSTER_SECRET_FILE</c> names (trimmed; at most 4 KB), else none (an open cluster).</summary>
    /// <exception cref="InvalidDataException">The secret file cannot be read, is too long or holds only white space.</exception>
    public static string? SecretFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } secret)
        {
            return secret;
        }
        if (Environment.GetEnvironmentVariable(SecretFileVariable) is not { Length: > 0 } file)
        {
            return null;
        }
        string text;
        try
        {
            InputFile.Check(file, MaxSecretFileBytes, "a file holding the cluster's secret");
            text = File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"${SecretFileVariable}: {e.Message}", e);
        }
        return text.Length > 0 ? text : throw new InvalidDataException($"${SecretFileVariable}: {file} holds only white space; put the cluster's secret in it.");
    }

    /// <summary>Redis's address (never the secret).</summary>
    public override string ToString() => Redis;
}
