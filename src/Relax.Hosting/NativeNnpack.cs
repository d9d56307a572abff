using System.Runtime.InteropServices;

namespace Relax.Hosting;

/// <summary>
/// libtorch's NNPACK convolution path, switched off where NNPACK cannot run. On CPUs NNPACK does not support, libtorch
/// still tries it for every eligible convolution and logs "Could not initialize NNPACK! Reason: Unsupported hardware."
/// each time (hundreds of lines in a corpus run) before falling back to its other kernels. <see cref="DisableIfUnavailable"/>
/// asks libtorch once whether NNPACK is usable (with its log level raised to errors for that call, then restored) and,
/// if not, clears the user switch that libtorch consults first, so it never tries again. Results do not change: the
/// attempt always failed and the same fallback kernels run.
/// </summary>
/// <remarks>Written by hand because TorchSharp exposes neither <c>torch.backends.nnpack</c> nor libtorch's log level:
/// the calls go to libtorch's exported C++ symbols (<c>at::native::_nnpack_available()</c>,
/// <c>at::globalContext()</c>, <c>at::Context::setUserEnabledNNPACK(bool)</c>, <c>FLAGS_caffe2_log_level</c>), by their
/// Itanium-mangled names, so only on Linux x64 and Arm64; anywhere else, or if a symbol is missing, nothing happens.
/// A process-wide choice, so a host's, never the engine's; call it once TorchSharp has loaded libtorch.</remarks>
public static class NativeNnpack
{
    private const int ErrorLevel = 2;

    /// <summary>Switches NNPACK off when libtorch reports it unusable on this CPU; true if it did.</summary>
    public static bool DisableIfUnavailable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }
        try
        {
            if (!TryGetLibrary("libtorch_cpu.so", out var torch) || !TryGetLibrary("libc10.so", out var c10)
                || !NativeLibrary.TryGetExport(torch, "_ZN2at6native17_nnpack_availableEv", out var available)
                || !NativeLibrary.TryGetExport(torch, "_ZN2at13globalContextEv", out var globalContext)
                || !NativeLibrary.TryGetExport(torch, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setEnabled)
                || !NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out var logLevel))
            {
                return false;
            }
            int level = Marshal.ReadInt32(logLevel);
            Marshal.WriteInt32(logLevel, Math.Max(level, ErrorLevel));
            bool usable;
            try
            {
                usable = Call(available);
            }
            finally
            {
                Marshal.WriteInt32(logLevel, level);
            }
            if (usable)
            {
                return false;
            }
            SetEnabled(setEnabled, GetContext(globalContext), false);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>The handle of a libtorch library already loaded by TorchSharp, found beside TorchSharp's own native library.</summary>
    private static bool TryGetLibrary(string name, out IntPtr handle)
    {
        foreach (var folder in new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", OperatingSystem.IsLinux() ? $"linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}" : "", "native") })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out handle))
            {
                return true;
            }
        }
        return NativeLibrary.TryLoad(name, out handle);
    }

    private static bool Call(IntPtr function) => Marshal.GetDelegateForFunctionPointer<ReturnsBool>(function)() != 0;

    private static IntPtr GetContext(IntPtr function) => Marshal.GetDelegateForFunctionPointer<ReturnsPointer>(function)();

    private static void SetEnabled(IntPtr function, IntPtr context, bool enabled) =>
        Marshal.GetDelegateForFunctionPointer<SetsFlag>(function)(context, enabled ? (byte)1 : (byte)0);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte ReturnsBool();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ReturnsPointer();

    /// <summary>A C++ member function: the object's address comes first (the Itanium ABI's implicit <c>this</c>).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetsFlag(IntPtr self, byte value);
}
