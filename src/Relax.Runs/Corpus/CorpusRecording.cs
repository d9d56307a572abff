namespace Relax.Runs;

/// <summary>One recording of a corpus, loaded only when the runner reaches it (a corpus is streamed, never held whole).</summary>
/// <param name="Id">Unique name; also the recording's output folder, relative to the corpus output ('/' separates
/// sub-folders), for example <c>dog/dog_12</c>. Letters, digits, '.', '-', '_' and '/' only; no '..' segment.</param>
/// <param name="Label">Its class for the class summaries (for example the parent folder's name), or null.</param>
/// <param name="ContentHash">A hash of the recording's content (for example the SHA-256 of the file). Each example's
/// masks are seeded from it (<see cref="CorpusSeeds"/>), so a recording's maps do not depend on its name, its
/// position in the corpus or the order the work ran in.</param>
/// <param name="Load">Reads the recording's examples; a recording that cannot be read or has no example returns a
/// <see cref="CorpusExamples"/> with a <see cref="CorpusExamples.Problem"/>, which the corpus reports and goes on.</param>
/// <param name="Source">Where it came from (a file path), for <c>index.csv</c>; the id when null.</param>
public sealed record CorpusRecording(string Id, string? Label, string ContentHash, Func<CorpusExamples> Load, string? Source = null)
{
    /// <summary>Whether <paramref name="id"/> is a usable recording id (see <see cref="Id"/>).</summary>
    public static bool IsValidId(string id) =>
        !string.IsNullOrEmpty(id) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/')
        && id.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}

/// <summary>The examples of one recording (for VGGish, 96 × 64 log-mel patches) and where each starts.</summary>
/// <param name="Inputs">The examples, in order.</param>
/// <param name="StartSeconds">Where each example starts in the recording, in seconds.</param>
/// <param name="Problem">Why there is nothing to explain (unreadable, shorter than one example, …), or null.</param>
/// <param name="Waveforms">Each example's audio (for VGGish the 15 600 samples at 16 kHz its frames cover), for hosts
/// that render explanations as sound; null when not known.</param>
public sealed record CorpusExamples(IReadOnlyList<float[,]> Inputs, IReadOnlyList<double> StartSeconds, string? Problem = null, IReadOnlyList<float[]>? Waveforms = null)
{
    /// <summary>A recording with nothing to explain, and why.</summary>
    public static CorpusExamples None(string problem) => new([], [], problem);
}
