namespace Relax.Runs;

/// <summary>What became of one unit of corpus work (one example of one recording, with one mask kind): a row of
/// <c>index.csv</c>. A finished unit's record is also its folder's <c>summary.json</c>, written last.</summary>
/// <param name="Recording">The recording's id.</param>
/// <param name="Label">Its label, or null.</param>
/// <param name="Example">The example's index, or -1 when the recording yielded none.</param>
/// <param name="StartSeconds">Where the example starts in the recording.</param>
/// <param name="MaskKind">The mask generator's name.</param>
/// <param name="Status">What happened.</param>
/// <param name="Seed">The unit's derived seed (<see cref="CorpusSeeds"/>).</param>
/// <param name="MasksRequested">Masks asked for.</param>
/// <param name="MasksUsed">Masks used (fewer when the convergence stop ended early).</param>
/// <param name="StoppedEarly">Whether the convergence stop ended it.</param>
/// <param name="EstimatedCorrelation">The convergence estimate, when one was made.</param>
/// <param name="Seconds">Seconds the explanation took.</param>
/// <param name="Fingerprint">The settings it was computed with (<see cref="CorpusOptions.Fingerprint"/>), as one line.</param>
/// <param name="Problem">Why nothing was explained, for <see cref="CorpusUnitStatus.NoExamples"/>.</param>
public sealed record CorpusUnit(string Recording, string? Label, int Example, double StartSeconds, string MaskKind, CorpusUnitStatus Status,
    long Seed, int MasksRequested, int MasksUsed, bool StoppedEarly, double? EstimatedCorrelation, double Seconds, string Fingerprint, string? Problem = null)
{
    /// <summary>The unit's folder relative to the corpus output: <c>&lt;recording&gt;/example-NNN/&lt;mask kind&gt;</c>.</summary>
    public string Folder => CorpusExplainer.UnitFolder(Recording, Example, MaskKind);
}

/// <summary>The state of a unit in <c>index.csv</c>.</summary>
public enum CorpusUnitStatus
{
    /// <summary>Explained in this run.</summary>
    Done,

    /// <summary>Found finished in the output folder and reused.</summary>
    Reused,

    /// <summary>The recording yielded no example (too short without padding, unreadable, or without the example asked
    /// for); the reason is in <see cref="CorpusUnit.Problem"/>.</summary>
    NoExamples,
}

/// <summary>Progress over a corpus, reported after every unit and every recording.</summary>
/// <param name="RecordingsDone">Recordings finished (explained, reused or reported).</param>
/// <param name="RecordingsTotal">Recordings in the corpus, when known up front.</param>
/// <param name="UnitsDone">Units (example × mask kind) finished, reused ones included.</param>
/// <param name="UnitsReused">Of those, reused from an earlier run.</param>
/// <param name="Recording">The recording being worked on.</param>
/// <param name="MasksPerSecond">Masks per second over the units explained in this run.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Remaining">Estimated time to finish, from the pace of the recordings explained so far; null before one.</param>
/// <param name="FinishedRecording">Set when this report marks a recording finished: a line a log can print.</param>
public readonly record struct CorpusProgress(int RecordingsDone, int? RecordingsTotal, int UnitsDone, int UnitsReused, string Recording,
    double MasksPerSecond, TimeSpan Elapsed, TimeSpan? Remaining, string? FinishedRecording);

/// <summary>A corpus output folder holds results computed with other settings.</summary>
public sealed class CorpusSettingsMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CorpusSettingsMismatchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CorpusSettingsMismatchException() : this("The output folder holds results computed with other settings.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public CorpusSettingsMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
