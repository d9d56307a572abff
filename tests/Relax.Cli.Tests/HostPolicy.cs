using System.Runtime.CompilerServices;
using Relax.Hosting;

namespace Relax.Cli.Tests;

/// <summary>The tests run the command in-process (<see cref="CliHarness.Run"/>) beside child processes of it, whose
/// output they compare byte for byte: this process takes the same host policy as <c>relax</c>'s Program does, before
/// libtorch loads (MKL's thread-count-independent products; OpenMP threads that sleep).</summary>
internal static class HostPolicy
{
    [ModuleInitializer]
    internal static void Apply()
    {
        NativeThreads.PreferPassiveWaiting();
        NativeThreads.PreferThreadCountIndependentResults();
    }
}
