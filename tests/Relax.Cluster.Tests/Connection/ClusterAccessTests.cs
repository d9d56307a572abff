namespace Relax.Cluster.Tests;

/// <summary>Redis's address is checked when the access is made, the secret never shows in its text, and a secret file
/// that cannot be used is one line naming the variable.</summary>
public sealed class ClusterAccessTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"relax-secret-{Guid.NewGuid():N}");

    public void Dispose()
    {
        File.Delete(_file);
    }

    [Theory]
    [InlineData("10.0.0.5:6379", true)]
    [InlineData("localhost:1", true)]
    [InlineData("[::1]:65535", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData(":6379", false)]
    [InlineData("host:0", false)]
    [InlineData("host:65536", false)]
    [InlineData("host:port", false)]
    [InlineData("", false)]
    public void An_address_is_host_and_port(string address, bool valid)
    {
        Assert.Equal(valid, ClusterAccess.IsAddress(address));
        if (valid)
        {
            Assert.Equal(address, new ClusterAccess(address).Redis);
        }
        else
        {
            var e = Assert.Throws<ArgumentException>(() => new ClusterAccess(address));
            Assert.Contains("give HOST:PORT", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_secret_never_shows_in_the_text_and_empty_means_none()
    {
        var access = new ClusterAccess("127.0.0.1:6379", "s3cret");
        Assert.Equal("127.0.0.1:6379", access.ToString());
        Assert.DoesNotContain("s3cret", $"{access}", StringComparison.Ordinal);
        Assert.Null(new ClusterAccess("127.0.0.1:6379", "").Secret);
    }

    [Fact]
    public void The_secret_comes_from_the_variable_else_the_file_it_names_and_a_blank_file_is_refused()
    {
        var (secret, secretFile) = (Environment.GetEnvironmentVariable(ClusterAccess.SecretVariable), Environment.GetEnvironmentVariable(ClusterAccess.SecretFileVariable));
        try
        {
            Environment.SetEnvironmentVariable(ClusterAccess.SecretVariable, null);
            Environment.SetEnvironmentVariable(ClusterAccess.SecretFileVariable, null);
            Assert.Null(ClusterAccess.FromEnvironment("127.0.0.1:6379").Secret);

            File.WriteAllText(_file, "  from-file\n");
            Environment.SetEnvironmentVariable(ClusterAccess.SecretFileVariable, _file);
            Assert.Equal("from-file", ClusterAccess.FromEnvironment("127.0.0.1:6379").Secret);

            Environment.SetEnvironmentVariable(ClusterAccess.SecretVariable, "from-variable");
            Assert.Equal("from-variable", ClusterAccess.FromEnvironment("127.0.0.1:6379").Secret);

            Environment.SetEnvironmentVariable(ClusterAccess.SecretVariable, null);
            File.WriteAllText(_file, " \n\t");
            var e = Assert.Throws<InvalidDataException>(() => ClusterAccess.FromEnvironment("127.0.0.1:6379"));
            Assert.Equal($"${ClusterAccess.SecretFileVariable}: {_file} holds only white space; put the cluster's secret in it.", e.Message);

            File.WriteAllText(_file, new string('x', 5000));
            e = Assert.Throws<InvalidDataException>(() => ClusterAccess.FromEnvironment("127.0.0.1:6379"));
            Assert.StartsWith($"${ClusterAccess.SecretFileVariable}: ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClusterAccess.SecretVariable, secret);
            Environment.SetEnvironmentVariable(ClusterAccess.SecretFileVariable, secretFile);
        }
    }
}
