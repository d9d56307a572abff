using System.Runtime.CompilerServices;
using Relax.Hosting;

namespace Relax.Evaluation.Tests;

/// <summary>The host policy <c>relax</c>'s Program applies, before libtorch loads: MKL's thread-count-independent
/// results (otherwise MKL may use fewer threads on a busy machine and round differently, and a t-SNE map would not be
/// the same bits twice), and OpenMP threads that sleep.</summary>
internal static class HostPolicy
{
    [ModuleInitializer]
    internal static void Apply()
    {
        NativeThreads.PreferPassiveWaiting();
        NativeThreads.PreferThreadCountIndependentResults();
    }
}
