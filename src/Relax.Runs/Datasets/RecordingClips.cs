namespace Relax.Runs;

/// <summary>What one recording gave an evaluation: its clips, or why it gave none. Made by
/// <see cref="RecordingClipReader"/>.</summary>
/// <param name="Path">The recording.</param>
/// <param name="Items">One item per VGGish example (at most the reader's limit), named
/// <c>{file name}-e{example:D3}</c>, labelled from the path when the reader knows the class names; empty when skipped.</param>
/// <param name="Warnings">Irregularities the WAVE reader tolerated (a data chunk past the end, say), one line each,
/// without the path.</param>
/// <param name="Skipped">Why the recording gave no clip, in one line that names the file (unreadable, unsupported,
/// shorter than one example); null when it gave clips.</param>
/// <param name="TooShort">True when it was skipped only for being shorter than one example (so padding would help).</param>
public sealed record RecordingClips(string Path, IReadOnlyList<EvaluationItem> Items, IReadOnlyList<string> Warnings, string? Skipped, bool TooShort = false);
