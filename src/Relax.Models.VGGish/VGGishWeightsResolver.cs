using System.Security.Cryptography;
using Relax.Models.Weights;

namespace Relax.Models.VGGish;

/// <summary>
/// Finds a weights file, in this order: an explicit path; the file's environment variable
/// (<see cref="OfficialWeightsFile.EnvironmentVariable"/>); the cache directory; a download from the official
/// address, only when <see cref="VGGishWeightsResolverOptions.AllowDownload"/> is set. Every file is checked for
/// completeness and, where a hash is known, its SHA-256.
/// </summary>
/// <remarks>
/// A file whose name carries a torch.hub hash prefix (<c>name-HASH.ext</c>), every cached or downloaded file,
/// and every file when <see cref="OfficialWeightsFile.Sha256"/> is set, is hashed. A file of another name given
/// explicitly (a converted safetensors copy, say) is only checked for completeness.
/// </remarks>
public sealed class VGGishWeightsResolver
{
    /// <summary>Creates a resolver.</summary>
    public VGGishWeightsResolver(VGGishWeightsResolverOptions? options = null)
    {
        Options = options ?? new VGGishWeightsResolverOptions();
    }

    /// <summary>The settings.</summary>
    public VGGishWeightsResolverOptions Options { get; }

    /// <summary>Finds, checks and if allowed downloads <paramref name="file"/>.</summary>
    /// <param name="file">The file wanted, for example <see cref="VGGishWeights.Network"/>.</param>
    /// <param name="explicitPath">A path given by the user; when set, only this file is considered.</param>
    /// <param name="cancellationToken">Cancels a download.</param>
    /// <returns>The full path of a checked file.</returns>
    /// <exception cref="VGGishWeightsNotFoundException">Not found (and not downloadable); the message says where to put it.</exception>
    /// <exception cref="WeightsFormatException">The file is truncated or corrupt.</exception>
    /// <exception cref="VGGishWeightsChecksumException">The file's SHA-256 is not the expected one.</exception>
    public string Resolve(OfficialWeightsFile file, string? explicitPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Check(Existing(explicitPath, "the path given"), file, cacheCopy: false);
        }

        var searched = new List<string>();
        if (Options.UseEnvironment)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(file.EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Check(Existing(fromEnvironment, $"${file.EnvironmentVariable}"), file, cacheCopy: false);
            }
            searched.Add($"${file.EnvironmentVariable} (not set)");
        }

        var cached = Path.Combine(Options.CacheDirectory, file.FileName);
        if (File.Exists(cached))
        {
            return Check(cached, file, cacheCopy: true);
        }
        searched.Add(cached);

        if (!Options.AllowDownload)
        {
            throw new VGGishWeightsNotFoundException(
                $"{file.FileName} was not found and downloads are not allowed. Download it from {file.Url} and " +
                $"put it at {cached}, or set {file.EnvironmentVariable} to its path, or pass its path explicitly " +
                "(or allow the download).", searched);
        }
        return Download(file, cached, searched, cancellationToken);
    }

    /// <summary>Computes the SHA-256 of a file (lower-case hex).</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Checks a file's completeness and, where a hash is known, its SHA-256.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedHash">Full hex SHA-256 or a hex prefix of it; null to skip the hash.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightsFormatException">The file is truncated or corrupt.</exception>
    /// <exception cref="VGGishWeightsChecksumException">The hash differs.</exception>
    public static void Verify(string path, string? expectedHash)
    {
        StateDictFile.Inspect(path);
        if (expectedHash is null)
        {
            return;
        }
        var actual = Sha256Of(path);
        if (!actual.StartsWith(expectedHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new VGGishWeightsChecksumException(path, expectedHash, actual);
        }
    }

    private static string Existing(string path, string what)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full)
            ? full
            : Directory.Exists(full)
                ? throw new VGGishWeightsNotFoundException($"{full} ({what}) is a directory; give the weights file itself.", new[] { full }, named: true)
                : throw new VGGishWeightsNotFoundException($"{full} ({what}) does not exist.", new[] { full }, named: true);
    }

    private static string Check(string path, OfficialWeightsFile file, bool cacheCopy)
    {
        var expected = file.Sha256 ?? (cacheCopy ? file.HashPrefix : OfficialWeightsFile.HashPrefixOf(path));
        Verify(path, expected);
        return path;
    }

    private string Download(OfficialWeightsFile file, string target, List<string> searched, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Options.CacheDirectory);
        var temp = Path.Combine(Options.CacheDirectory, $".{file.FileName}.{Guid.NewGuid():N}.download");
        var client = Options.HttpClient ?? new HttpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.DownloadTimeout);
            using (var response = client.GetAsync(file.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).GetAwaiter().GetResult())
            {
                response.EnsureSuccessStatusCode();
                using var body = response.Content.ReadAsStream(timeout.Token);
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                body.CopyToAsync(output, timeout.Token).GetAwaiter().GetResult();
                output.Flush(flushToDisk: true);
            }
            try
            {
                Verify(temp, file.ExpectedHash);
            }
            catch (VGGishWeightsChecksumException e)
            {
                throw new VGGishWeightsChecksumException($"{file.Url} (downloaded, not kept)", e.Expected, e.Actual);
            }
            File.Move(temp, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && e is not VGGishWeightsException && !cancellationToken.IsCancellationRequested)
        {
            searched.Add(file.Url.ToString());
            throw new VGGishWeightsNotFoundException(
                $"Downloading {file.Url} failed ({e.Message}); the machine may be offline. Download the file elsewhere and " +
                $"put it at {target}, or set {file.EnvironmentVariable} to its path.", searched);
        }
        finally
        {
            if (Options.HttpClient is null)
            {
                client.Dispose();
            }
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
