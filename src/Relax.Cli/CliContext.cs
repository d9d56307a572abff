using System.CommandLine;
using Relax.Models;

namespace Relax.Cli;

/// <summary>What every command shares: the recursive <c>--verbose</c> option, the output streams, whether standard
/// error is an interactive terminal (for progress bars), the models <c>--model</c> chooses from, and the caller's
/// cancellation (an in-process host's; Ctrl+C is handled by each command as well).</summary>
internal sealed record CliContext(Option<bool> Verbose, TextWriter Output, TextWriter Error, bool Interactive, ModelCatalog Models, CancellationToken Cancellation)
{
    /// <summary>Loads the model a command asked for, log-mel or waveform (<c>relax explain</c> and <c>relax worker</c>
    /// take both).</summary>
    /// <exception cref="ModelException">The model cannot be loaded.</exception>
    public AudioModel LoadModel(ModelRequest request) => Models.Load(request);

    /// <summary>Loads the model a command that feeds VGGish's log-mel examples asked for: VGGish's preprocessing (the
    /// layout may differ).</summary>
    /// <param name="request">The model.</param>
    /// <param name="command">The command, for the refusal.</param>
    /// <exception cref="ModelException">The model cannot be loaded.</exception>
    /// <exception cref="CliException">A waveform model, or log-mel preprocessing other than VGGish's.</exception>
    public AudioModel LoadLogMelModel(ModelRequest request, string command)
    {
        var model = Models.Load(request);
        var what = model.Input switch
        {
            WaveformInput => "a waveform model",
            LogMelInput { IsVGGishLogMel: false } => "a log-mel model with other preprocessing than VGGish's",
            _ => null,
        };
        if (what is not null)
        {
            var identity = model.Identity;
            model.Dispose();
            throw new CliException($"{identity}: {what}; relax {command} takes models with VGGish's log-mel input in this build (relax explain takes any).");
        }
        return model;
    }
}
