namespace Relax.Cli;

/// <summary>Ctrl+C and the caller's token as one <see cref="Token"/> for a command's long work: the first Ctrl+C
/// cancels the work (the command then says what was kept and how to resume) instead of ending the process. Dispose
/// it when the work is over, so that a later Ctrl+C ends the process as usual.</summary>
internal sealed class CommandCancellation : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly ConsoleCancelEventHandler _onCancel;

    /// <summary>Starts listening for Ctrl+C.</summary>
    /// <param name="caller">The in-process caller's cancellation (<see cref="CliContext.Cancellation"/>).</param>
    public CommandCancellation(CancellationToken caller)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _onCancel = (_, e) =>
        {
            e.Cancel = true;
            _source.Cancel();
        };
        Console.CancelKeyPress += _onCancel;
    }

    /// <summary>Cancelled by Ctrl+C or the caller.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Stops listening for Ctrl+C.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _source.Dispose();
    }
}
