using System.CommandLine;
using Relax.Models;

namespace Relax.Cli;

/// <summary>What every command shares: the recursive <c>--verbose</c> option, the output streams, whether standard
/// error is an interactive terminal (for progress bars), the models <c>--model</c> chooses from, and the caller's
/// cancellation (an in-process host's; Ctrl+C is handled by each command as well).</summary>
internal sealed record CliContext(Option<bool> Verbose, TextWriter Output, TextWriter Error, bool Interactive, ModelCatalog Models, CancellationToken Cancellation)
{
    /// <summary>Loads the model a command asked for, log-mel (any preprocessing) or waveform; each command reads its
    /// examples as the model's input says (<see cref="ModelExamples"/>).</summary>
    /// <exception cref="ModelException">The model cannot be loaded.</exception>
    public AudioModel LoadModel(ModelRequest request) => Models.Load(request);
}
