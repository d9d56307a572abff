namespace Relax.Models.VGGish;

/// <summary>Settings of a <see cref="VGGishWeightsResolver"/>, checked when set.</summary>
public sealed record VGGishWeightsResolverOptions
{
    private readonly string _cacheDirectory = VGGishWeights.DefaultCacheDirectory;
    private readonly TimeSpan _downloadTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Where downloaded files are kept and looked for. Default: <see cref="VGGishWeights.DefaultCacheDirectory"/>.</summary>
    public string CacheDirectory
    {
        get => _cacheDirectory;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(CacheDirectory));
            _cacheDirectory = Path.GetFullPath(value);
        }
    }

    /// <summary>Whether a file that is not found locally may be downloaded from its official address. Default: false
    /// (nothing goes over the network unless the user asks).</summary>
    public bool AllowDownload { get; init; }

    /// <summary>Whether the environment variable of a file is consulted. Default: true.</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>The HTTP client used for downloads; null for a new one.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Time limit of one download; positive. Default: 10 minutes.</summary>
    public TimeSpan DownloadTimeout
    {
        get => _downloadTimeout;
        init => _downloadTimeout = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DownloadTimeout), value, "The download timeout must be positive.");
    }
}
