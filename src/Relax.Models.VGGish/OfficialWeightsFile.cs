using System.Globalization;
using System.Text.RegularExpressions;

namespace Relax.Models.VGGish;

/// <summary>
/// A published weights file: its file name, the address it is downloaded from, the environment variable that
/// may point at a local copy, and the SHA-256 it must have.
/// </summary>
/// <remarks>
/// torch.hub file names carry the first hex digits of the file's SHA-256 (<c>vggish-10086976.pth</c>: the hash
/// starts with <c>10086976</c>), which torch.hub itself checks; that prefix is always verified. When
/// <see cref="Sha256"/> holds a full 64-digit hash, the whole hash is verified instead.
/// </remarks>
public sealed partial record OfficialWeightsFile
{
    private readonly string _fileName = "";
    private readonly string? _sha256;

    /// <summary>Creates the description.</summary>
    /// <param name="fileName">A bare file name, for example <c>vggish-10086976.pth</c>.</param>
    /// <param name="url">The official download address (https).</param>
    /// <param name="environmentVariable">The environment variable that may name a local copy.</param>
    public OfficialWeightsFile(string fileName, Uri url, string environmentVariable)
    {
        FileName = fileName;
        Url = url ?? throw new ArgumentNullException(nameof(url));
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The download address must be https; got {url}.", nameof(url));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentVariable);
        EnvironmentVariable = environmentVariable;
    }

    /// <summary>The bare file name (no directory).</summary>
    public string FileName
    {
        get => _fileName;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _fileName = Path.GetFileName(value) == value
                ? value
                : throw new ArgumentException($"'{value}' must be a bare file name.", nameof(FileName));
        }
    }

    /// <summary>The official download address.</summary>
    public Uri Url { get; }

    /// <summary>The environment variable that may name a local copy.</summary>
    public string EnvironmentVariable { get; }

    /// <summary>The full SHA-256 (64 hex digits), when known; null to verify only the prefix in the file name.</summary>
    public string? Sha256
    {
        get => _sha256;
        init => _sha256 = value is null || FullHashPattern().IsMatch(value)
            ? value?.ToLowerInvariant()
            : throw new ArgumentException($"'{value}' is not a SHA-256 (64 hex digits).", nameof(Sha256));
    }

    /// <summary>The hash prefix carried in the file name (torch.hub convention <c>name-HASH.ext</c>), or null.</summary>
    public string? HashPrefix => HashPrefixOf(FileName);

    /// <summary>The hash that a file must match: <see cref="Sha256"/> when set, else <see cref="HashPrefix"/>, else null.</summary>
    public string? ExpectedHash => Sha256 ?? HashPrefix;

    /// <summary>The hex SHA-256 prefix in a torch.hub style file name (<c>name-HASH.ext</c>), or null.</summary>
    public static string? HashPrefixOf(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var match = HubHashPattern().Match(Path.GetFileName(fileName));
        return match.Success ? match.Groups[1].Value.ToLower(CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex FullHashPattern();

    [GeneratedRegex(@"-([0-9a-fA-F]{8,64})\.[^.]+$")]
    private static partial Regex HubHashPattern();
}
