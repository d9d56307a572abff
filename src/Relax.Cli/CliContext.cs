using System.CommandLine;
using Relax.Models;

namespace Relax.Cli;

/// <summary>What every command shares: the recursive <c>--verbose</c> option, the output streams, whether standard
/// error is an interactive terminal (for progress bars), the models <c>--model</c> chooses from, and the caller's
/// cancellation (an in-process host's; Ctrl+C is handled by each command as well).</summary>
internal sealed record CliContext(Option<bool> Verbose, TextWriter Output, TextWriter Error, bool Interactive, ModelCatalog Models, CancellationToken Cancellation)
{
    /// <summary>Loads the model a command asked for: one that takes VGGish's log-mel examples, which is what the
    /// commands feed (a waveform model is explained from the library in this build).</summary>
    /// <exception cref="ModelException">The model cannot be loaded.</exception>
    /// <exception cref="CliException">A waveform model.</exception>
    public AudioModel LoadModel(ModelRequest request)
    {
        var model = Models.Load(request);
        if (model.Input is WaveformInput)
        {
            var identity = model.Identity;
            model.Dispose();
            throw new CliException($"{identity}: a waveform model; the relax command explains log-mel models in this build. Explain a waveform model from C# with WaveformRelax (docs/models.md).");
        }
        return model;
    }
}
