namespace Relax.Models.VGGish;

/// <summary>Base class of the errors raised while finding, checking or loading VGGish weights (a
/// <see cref="ModelException"/>: one line an application shows as it is).</summary>
public abstract class VGGishWeightsException : ModelException
{
    /// <summary>Creates the exception.</summary>
    protected VGGishWeightsException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>No weights file was found (or the one named does not exist); the message says where to put it.</summary>
public sealed class VGGishWeightsNotFoundException : VGGishWeightsException
{
    /// <summary>Creates the exception.</summary>
    public VGGishWeightsNotFoundException(string message, IReadOnlyList<string> searched) : this(message, searched, named: false)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="searched">The places looked at.</param>
    /// <param name="named">True when a path was named (explicitly or by an environment variable) and is missing: a typo
    /// to report, never a reason to fall back to another model.</param>
    public VGGishWeightsNotFoundException(string message, IReadOnlyList<string> searched, bool named) : base(message)
    {
        Searched = searched;
        Named = named;
    }

    /// <summary>True when the missing file was named (by a path or an environment variable) rather than searched for.</summary>
    public bool Named { get; }

    /// <summary>The places that were looked at, in order.</summary>
    public IReadOnlyList<string> Searched { get; }
}

/// <summary>A weights file's SHA-256 does not match the expected value: a different or damaged file.</summary>
public sealed class VGGishWeightsChecksumException : VGGishWeightsException
{
    /// <summary>Creates the exception.</summary>
    public VGGishWeightsChecksumException(string path, string expected, string actual)
        : base($"{path}: SHA-256 mismatch: expected {expected}…, the file has {actual}. It is not the official file or it is damaged; delete it and download it again.")
    {
        Path = path;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The expected SHA-256 (full hex or the hex prefix that torch.hub file names carry).</summary>
    public string Expected { get; }

    /// <summary>The file's SHA-256 (hex).</summary>
    public string Actual { get; }
}

/// <summary>A weights file's tensors do not fit the model: missing or unexpected keys, or wrong shapes.</summary>
public sealed class VGGishWeightsMismatchException : VGGishWeightsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problems">One line per offending key ("missing: …", "unexpected: …", "shape: …").</param>
    public VGGishWeightsMismatchException(string path, IReadOnlyList<string> problems)
        : base(Summary(path, problems))
    {
        Problems = problems;
    }

    /// <summary>One line per offending key.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>One line: how many keys are wrong, and the first of each kind (missing, unexpected, shape, …).</summary>
    private static string Summary(string path, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var firsts = problems.GroupBy(p => p.Split(':', 2)[0]).Select(g => g.First()).ToList();
        var more = problems.Count > firsts.Count ? $"; and {problems.Count - firsts.Count} more" : "";
        return $"{path}: the tensors do not fit the VGGish model ({problems.Count} problem(s)): {string.Join("; ", firsts)}{more}.";
    }
}
