namespace Relax.Cluster;

/// <summary>
/// Turns a run's statuses (<see cref="ClusterRunOptions.Status"/>, about one a second) into the few events a person
/// watching the run wants told once: a worker starts taking work, a worker cannot run the run's units (another model,
/// dtype or settings) and takes none, and no worker has taken work for a while (none is up, or none that can run it).
/// <c>relax explain|evaluate --cluster</c> prints them; an application logs them. Reports arrive on the run's pump
/// thread, one at a time.
/// </summary>
public sealed class ClusterRunWatch : IProgress<ClusterStatus>
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly TimeSpan _idleAfter = TimeSpan.FromSeconds(30);
    private DateTime _lastBusy = DateTime.UtcNow;
    private bool _toldIdle;

    /// <summary>Told a worker's name the first time it takes work (a refused worker is not told).</summary>
    public Action<string>? WorkerTakingWork { get; init; }

    /// <summary>Told a worker's name and why, the first time it says it cannot run the run's units; the run goes on
    /// with the others.</summary>
    public Action<string, string>? WorkerRefused { get; init; }

    /// <summary>Told once when units wait and no worker has held one for <see cref="IdleAfter"/>; told again only after
    /// a worker has taken work since.</summary>
    public Action? NoWorkerTakingWork { get; init; }

    /// <summary>How long units may wait with no worker holding one before <see cref="NoWorkerTakingWork"/>. Default 30 s.</summary>
    public TimeSpan IdleAfter
    {
        get => _idleAfter;
        init => _idleAfter = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(IdleAfter), value, "Give a positive time.");
    }

    /// <inheritdoc />
    public void Report(ClusterStatus value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var (worker, why) in value.Refused.Where(r => _refused.Add(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            WorkerRefused?.Invoke(worker, why);
        }
        foreach (var worker in value.Workers.Where(w => !_refused.Contains(w)).Where(_seen.Add))
        {
            WorkerTakingWork?.Invoke(worker);
        }
        if (value.Leased > 0 || value.Queued == 0)
        {
            (_lastBusy, _toldIdle) = (DateTime.UtcNow, false);
        }
        else if (!_toldIdle && DateTime.UtcNow - _lastBusy > _idleAfter)
        {
            _toldIdle = true;
            NoWorkerTakingWork?.Invoke();
        }
    }
}
