using TorchSharp;

namespace Relax;

/// <summary>
/// The libtorch backend that TorchSharp needs at run time. Relax's packages depend on <c>TorchSharp</c> only, as
/// TorchSharp-based libraries do, and leave the choice of backend to the application: <c>TorchSharp-cpu</c> (any CPU),
/// <c>TorchSharp-cuda-linux</c> or <c>TorchSharp-cuda-windows</c> (NVIDIA GPUs). Without one, TorchSharp fails deep in
/// native loading with a <see cref="DllNotFoundException"/> that names a mangled symbol; <see cref="EnsureAvailable"/>,
/// called by Relax's entry points before their first tensor, turns that into one message that names the package to add.
/// </summary>
public static class TorchBackend
{
    private static readonly Lazy<Exception?> Failure = new(() =>
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            return e;
        }
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch's CPU backend once; later calls return at once.</summary>
    /// <exception cref="TorchBackendMissingException">No usable libtorch backend: the message names the packages that
    /// provide one and what TorchSharp reported.</exception>
    public static void EnsureAvailable()
    {
        if (Failure.Value is { } e)
        {
            throw new TorchBackendMissingException(Describe(e), e);
        }
    }

    private static string Describe(Exception e)
    {
        var inner = e is TypeInitializationException { InnerException: { } cause } ? cause : e;
        var first = inner.Message.Split('\n', 2)[0].Trim();
        var hint = OperatingSystem.IsLinux() && inner.Message.Contains("GLIBCXX", StringComparison.Ordinal)
            ? " This system's libstdc++ is older than TorchSharp's native library asks for: build with the Relax packages' targets (they mark that need weak; docs/torchsharp-linux.md)."
            : "";
        return "Relax needs a libtorch backend and TorchSharp found none. Add one package to the application: TorchSharp-cpu "
            + "(any CPU), TorchSharp-cuda-linux or TorchSharp-cuda-windows (NVIDIA GPUs); to keep one platform's native files "
            + $"in bin/, set <RuntimeIdentifier> (for example linux-x64).{hint} TorchSharp said: {inner.GetType().Name}: {first}";
    }
}

/// <summary>No libtorch backend could be loaded (see <see cref="TorchBackend"/>).</summary>
public sealed class TorchBackendMissingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TorchBackendMissingException() : base("Relax needs a libtorch backend (TorchSharp-cpu, TorchSharp-cuda-linux or TorchSharp-cuda-windows).")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TorchBackendMissingException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TorchBackendMissingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
