using System.Collections.Concurrent;

namespace Relax.Cluster;

/// <summary>
/// The client's side of one cluster run, whatever its units are: it holds the units in flight (at most
/// <see cref="ClusterRunOptions.Window"/>), offers them to the run's coordinator, polls the finished ones, and offers
/// again whatever a new coordinator incarnation lost. A unit finished twice is taken once. What a unit carries and
/// what comes back is the job kind's (<see cref="ClusterJob{TWork, TResult}"/>); <see cref="ClusterUnitExecutor{TWork, TResult}"/>
/// joins the two.
/// </summary>
/// <typeparam name="T">What a finished unit becomes.</typeparam>
internal sealed class ClusterRun<T> : IAsyncDisposable
{
    /// <summary>Finished units fetched per poll at most (a reply of evaluated clips is about 200 KB each).</summary>
    private const int PollBatch = 64;

    private readonly IClusterClient _client;
    private readonly ClusterRunOptions _options;
    private readonly RunSpec _spec;
    private readonly Func<WorkResult, T> _decode;
    private readonly IRunCoordinatorGrain _run;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _toOffer = new();
    private readonly ConcurrentDictionary<string, int> _byWorker = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ClusterReissue> _reissues = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;
    private int _coordinatorRestarts;
    private int _expiredLeases;
    private int _refusedResults;
    private readonly ConcurrentDictionary<string, string> _refusedWorkers = new(StringComparer.Ordinal);
    private int _disposed;
    private Exception? _failure;

    /// <summary>Creates the run; <see cref="StartAsync"/> opens it.</summary>
    /// <param name="client">A connected cluster client.</param>
    /// <param name="spec">What workers compute with.</param>
    /// <param name="options">The model workers must run, the window, the run id.</param>
    /// <param name="decode">Turns a finished unit into its result (throws <see cref="InvalidDataException"/> or
    /// <see cref="ArgumentException"/> for a malformed one).</param>
    public ClusterRun(IClusterClient client, RunSpec spec, ClusterRunOptions options, Func<WorkResult, T> decode)
    {
        _client = client;
        _spec = spec;
        _options = options;
        _decode = decode;
        _run = client.GetGrain<IRunCoordinatorGrain>(options.RunId);
    }

    /// <summary>Units in flight at most.</summary>
    public int Window => _options.Window;

    /// <summary>The run's id.</summary>
    public string RunId => _options.RunId;

    /// <summary>Units that were leased more than once (their first worker died or stopped renewing), with when the
    /// lease that finished them was handed out: how fast work came back after a failure.</summary>
    public IReadOnlyList<ClusterReissue> Reissues => [.. _reissues];

    /// <summary>How often the run's coordinator came back empty (its silo died) and was offered the units in flight again.</summary>
    public int CoordinatorRestarts => Volatile.Read(ref _coordinatorRestarts);

    /// <inheritdoc cref="IClusterRun.ExpiredLeases"/>
    public int ExpiredLeases => Volatile.Read(ref _expiredLeases);

    /// <inheritdoc cref="IClusterRun.RefusedResults"/>
    public int RefusedResults => Volatile.Read(ref _refusedResults);

    /// <inheritdoc cref="IClusterRun.RefusedWorkers"/>
    public IReadOnlyDictionary<string, string> RefusedWorkers => new Dictionary<string, string>(_refusedWorkers);

    /// <summary>Units received from each worker so far.</summary>
    public IReadOnlyDictionary<string, int> CompletedByWorker => new Dictionary<string, int>(_byWorker);

    /// <summary>Opens the run on the cluster and starts exchanging units with it. A cluster that has just lost a silo
    /// (a previous client killed, a worker gone) may not answer until membership declares it dead (about 6–10 s):
    /// opening is tried again for up to <see cref="ClusterTimings.StartPatience"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_pump is not null)
        {
            throw new InvalidOperationException("The run is already started.");
        }
        var deadline = DateTime.UtcNow + ClusterTimings.StartPatience;
        while (true)
        {
            try
            {
                await OpenAsync(cancellationToken);
                break;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(ClusterTimings.IdleWait, cancellationToken);
            }
        }
        // Closed while opening (a caller that gave up waiting): no pump starts after DisposeAsync.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Opens the run once: states its settings, places its coordinator, registers it with the directory.</summary>
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _run.Open(_spec).WaitAsync(ClusterTimings.CallDeadline, cancellationToken);
        if (_options.CoordinatorSilo is { } wanted)
        {
            // Placement prefers the caller's silo, but a silo that has just joined may not yet be listed as able to
            // host the grain: then the coordinator lands on a worker. Before any unit is offered, moving it is free.
            for (int attempt = 0; await _run.Where().WaitAsync(ClusterTimings.CallDeadline, cancellationToken) != wanted; attempt++)
            {
                if (attempt == 50)
                {
                    throw new TimeoutException($"The run's coordinator could not be placed on this process's silo ({wanted}).");
                }
                await _run.Leave().WaitAsync(ClusterTimings.CallDeadline, cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                await _run.Open(_spec).WaitAsync(ClusterTimings.CallDeadline, cancellationToken);
            }
        }
        await _client.GetGrain<IRunDirectoryGrain>(0).Register(_options.RunId).WaitAsync(ClusterTimings.CallDeadline, cancellationToken);
    }

    /// <summary>Adds a unit to the run; completes when a worker has computed it.</summary>
    /// <param name="unitId">The unit's id, unique among the units in flight.</param>
    /// <param name="input">What the unit carries.</param>
    /// <param name="cancellationToken">Gives the unit up.</param>
    public Task<T> Submit(string unitId, UnitInput input, CancellationToken cancellationToken)
    {
        if (_pump is null)
        {
            throw new InvalidOperationException("Call StartAsync first.");
        }
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return Task.FromException<T>(failure);
        }
        var pending = new Pending(new WorkItem(unitId, input));
        if (!_pending.TryAdd(unitId, pending))
        {
            throw new ArgumentException($"Unit {unitId} is already in flight.", nameof(unitId));
        }
        if (Volatile.Read(ref _failure) is { } failed)
        {
            // The run failed while this unit was being added: fail it too, or nobody would.
            _pending.TryRemove(unitId, out _);
            pending.Completion.TrySetException(failed);
            return pending.Completion.Task;
        }
        var registration = cancellationToken.Register(() =>
        {
            _pending.TryRemove(unitId, out _);
            pending.Completion.TrySetCanceled(cancellationToken);
        });
        pending.Completion.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        _toOffer.Enqueue(unitId);
        return pending.Completion.Task;
    }

    /// <summary>Offers new units, polls finished ones, re-offers what a new coordinator lost, and says the run is
    /// alive, until stopped; a mismatched worker fails every unit in flight.</summary>
    private async Task PumpAsync(CancellationToken stop)
    {
        long incarnation = 0;
        string[] received = []; // acknowledged with the next poll: the coordinator keeps them until then
        var lastHeartbeat = DateTime.UtcNow;
        DateTime? firstMismatch = null;
        var directory = _client.GetGrain<IRunDirectoryGrain>(0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var offer = new List<WorkItem>();
                while (offer.Count < 256 && _toOffer.TryDequeue(out var id))
                {
                    if (_pending.TryGetValue(id, out var p))
                    {
                        offer.Add(p.Item);
                    }
                }
                if (offer.Count > 0)
                {
                    try
                    {
                        Observe(await _run.Offer([.. offer]).WaitAsync(ClusterTimings.CallDeadline, stop));
                    }
                    catch
                    {
                        foreach (var item in offer)
                        {
                            _toOffer.Enqueue(item.UnitId);
                        }
                        throw;
                    }
                }
                var status = await _run.Poll(PollBatch, received).WaitAsync(ClusterTimings.CallDeadline, stop);
                received = [.. status.Results.Select(r => r.UnitId)];
                Volatile.Write(ref _expiredLeases, Math.Max(Volatile.Read(ref _expiredLeases), status.ExpiredLeases));
                Volatile.Write(ref _refusedResults, Math.Max(Volatile.Read(ref _refusedResults), status.RefusedResults));
                Observe(status.Incarnation);
                foreach (var result in status.Results)
                {
                    if (!_pending.TryRemove(result.UnitId, out var p))
                    {
                        continue; // a duplicate, or a unit given up
                    }
                    if (result.Error is { } error)
                    {
                        p.Completion.TrySetException(new InvalidOperationException($"worker {result.Worker} could not compute {result.UnitId}: {error}"));
                        continue;
                    }
                    try
                    {
                        var decoded = _decode(result);
                        _byWorker.AddOrUpdate(result.Worker, 1, (_, n) => n + 1);
                        if (result.Attempt > 1)
                        {
                            _reissues.Enqueue(new ClusterReissue(result.UnitId, result.Attempt, result.LeasedAt, result.Worker));
                        }
                        p.Completion.TrySetResult(decoded);
                    }
                    catch (Exception e) when (e is InvalidDataException or ArgumentException)
                    {
                        p.Completion.TrySetException(new InvalidDataException($"worker {result.Worker} sent a malformed result for {result.UnitId}: {e.Message}", e));
                    }
                }
                if (status.Mismatches.Length > 0)
                {
                    // A worker that cannot run these units takes none; the run goes on with the others. It stops only
                    // when, some time after the first refusal, no other worker has taken work or sent a unit.
                    var names = status.MismatchedWorkers ?? [];
                    bool news = false;
                    for (int i = 0; i < names.Length && i < status.Mismatches.Length; i++)
                    {
                        news |= _refusedWorkers.TryAdd(names[i], status.Mismatches[i]);
                    }
                    firstMismatch ??= DateTime.UtcNow;
                    bool othersWork = !_byWorker.IsEmpty || status.Workers.Any(w => !_refusedWorkers.ContainsKey(w));
                    if (!othersWork && DateTime.UtcNow - firstMismatch > ClusterTimings.MismatchPatience)
                    {
                        Fail(new ClusterMismatchException(
                            $"a worker cannot run this run's units — {string.Join(" | ", status.Mismatches)}. This run asks for {_options.Model}; start workers with the same --weights, --dtype and --device, or stop the others."));
                        return;
                    }
                    if (news)
                    {
                        lastHeartbeat = DateTime.MinValue; // tell the caller now
                    }
                }
                if (DateTime.UtcNow - lastHeartbeat > ClusterTimings.HeartbeatEvery)
                {
                    lastHeartbeat = DateTime.UtcNow;
                    Observe(await _run.Open(_spec).WaitAsync(ClusterTimings.CallDeadline, stop));
                    // Not awaited: a directory whose silo just died must not hold up the results.
                    _ = directory.Register(_options.RunId).WaitAsync(ClusterTimings.CallDeadline, stop)
                        .ContinueWith(t => { _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    _options.Status?.Report(new ClusterStatus(_pending.Count, status.Queued, status.Leased, status.Workers, CompletedByWorker) { Refused = RefusedWorkers });
                }
                // The poll itself waits (up to 200 ms) for results, so the loop does not spin when nothing arrives.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException)
            {
                // The coordinator's silo died or a call timed out: the grain comes back elsewhere (a new incarnation).
                await Task.Delay(ClusterTimings.IdleWait, CancellationToken.None);
            }
            catch (Exception e)
            {
                // Anything else ends the run with its message rather than leave the units waiting forever.
                Fail(e);
                return;
            }
        }

        void Observe(long seen)
        {
            if (seen == incarnation)
            {
                return;
            }
            if (incarnation != 0)
            {
                // A new coordinator: everything not yet received is offered again (it ignores what it already has).
                Interlocked.Increment(ref _coordinatorRestarts);
                foreach (var id in _pending.Keys)
                {
                    _toOffer.Enqueue(id);
                }
            }
            incarnation = seen;
        }
    }

    private void Fail(Exception failure)
    {
        Volatile.Write(ref _failure, failure);
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetException(failure);
        }
    }

    /// <summary>Stops exchanging units and closes the run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stop.Cancel();
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        try
        {
            await _client.GetGrain<IRunDirectoryGrain>(0).Unregister(_options.RunId).WaitAsync(ClusterTimings.CallDeadline);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The run expires from the directory by itself.
        }
        // Units still waiting are cancelled (not failed: nothing went wrong with them); later ones are refused.
        Volatile.Write(ref _failure, new ObjectDisposedException(nameof(ClusterRun<T>), "The cluster run was closed."));
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetCanceled();
        }
    }

    private sealed class Pending(WorkItem item)
    {
        public WorkItem Item { get; } = item;
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
