using System.Net;
using System.Net.Sockets;

namespace Relax.Cli.Tests;

/// <summary>Runs the command line in-process and provides the bundled clip and scratch folders.</summary>
internal static class CliHarness
{
    /// <summary>The bundled 3 s generated bird clip (samples/data/synthetic-bird.wav).</summary>
    public static string Clip { get; } = Path.Combine(AppContext.BaseDirectory, "SampleData", "synthetic-bird.wav");

    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RelaxCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must fail with one clear line containing <paramref name="message"/>, no stack
    /// trace, and nothing written to the folder given as <c>-o {folder}</c> (the last two arguments are added).</summary>
    public static void AssertFailsCleanly(string message, params string[] args) => AssertFails(RelaxCli.Failure, message, args);

    /// <summary>Like <see cref="AssertFailsCleanly"/> for a value the command line itself refuses (exit code 1, before
    /// any work): the message names the option, and the line after it says where the accepted values are listed.</summary>
    public static void AssertRejectedAsUsage(string message, params string[] args)
    {
        var error = AssertFails(RelaxCli.UsageError, message, args);
        Assert.Contains(args[0] + " --help", error, StringComparison.Ordinal);
        Assert.Equal(2, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string AssertFails(int expectedCode, string message, string[] args)
    {
        var folder = TempFolder("failing");
        var (code, _, error) = Run([.. args, "-o", folder]);
        Assert.True(code == expectedCode, $"exit code {code}, expected {expectedCode}: {error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        return error;
    }

    /// <summary>A folder name under the temporary directory that does not exist yet.</summary>
    public static string TempFolder(string prefix) => Path.Combine(Path.GetTempPath(), $"relax-{prefix}-{Guid.NewGuid():N}");

    /// <summary>Runs <paramref name="test"/> with a fresh folder and deletes it afterwards.</summary>
    public static void InTempFolder(string prefix, Action<string> test)
    {
        var folder = TempFolder(prefix);
        try
        {
            test(folder);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    /// <summary>A TCP port on loopback that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on a loopback port.</summary>
    public static bool Accepts(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
