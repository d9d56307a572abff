using System.Net;
using Relax.Models.Weights;

namespace Relax.Models.VGGish.Tests;

/// <summary>Offline tests of the resolver: local files and a fake HTTP handler, never the network.</summary>
public sealed class VGGishWeightsResolverTests : IDisposable
{
    private static readonly Uri FakeUrl = new("https://example.invalid/weights/file.pth");
    private readonly string _dir = Fixtures.TempDirectory();
    private readonly string _environmentVariable = "RELAX_TEST_WEIGHTS_" + Guid.NewGuid().ToString("N");
    private readonly byte[] _bytes = File.ReadAllBytes(Fixtures.Path("pca_params_formula.pth"));
    private readonly string _sha256 = VGGishWeightsResolver.Sha256Of(Fixtures.Path("pca_params_formula.pth"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_environmentVariable, null);
        Directory.Delete(_dir, recursive: true);
    }

    private OfficialWeightsFile Weights(string? prefix = null, string? sha256 = null) =>
        new($"pca-{prefix ?? _sha256[..8]}.pth", FakeUrl, _environmentVariable) { Sha256 = sha256 };

    private VGGishWeightsResolver Resolver(bool allowDownload = false, HttpMessageHandler? handler = null) =>
        new(new VGGishWeightsResolverOptions
        {
            CacheDirectory = Path.Combine(_dir, "cache"),
            AllowDownload = allowDownload,
            HttpClient = handler is null ? null : new HttpClient(handler),
        });

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void The_hash_prefix_comes_from_the_torch_hub_file_name()
    {
        Assert.Equal("10086976", VGGishWeights.Network.HashPrefix);
        Assert.Equal("970ea276", VGGishWeights.Pca.HashPrefix);
        Assert.Null(OfficialWeightsFile.HashPrefixOf("weights.safetensors"));
        Assert.Equal("https", VGGishWeights.Network.Url.Scheme);
    }

    [Fact]
    public void An_explicit_path_is_used_and_its_hash_prefix_checked()
    {
        var path = Write($"pca-{_sha256[..8]}.pth", _bytes);
        Assert.Equal(path, Resolver().Resolve(Weights(), path));
    }

    [Fact]
    public void An_explicit_file_without_a_hash_in_its_name_is_only_checked_for_completeness()
    {
        var path = Write("my-weights.pth", _bytes);
        Assert.Equal(path, Resolver().Resolve(Weights(), path));
    }

    [Fact]
    public void The_environment_variable_is_used_when_no_path_is_given()
    {
        var path = Write("elsewhere/pca.pth", _bytes);
        Environment.SetEnvironmentVariable(_environmentVariable, path);
        Assert.Equal(path, Resolver().Resolve(Weights()));
    }

    [Fact]
    public void A_missing_file_named_by_the_environment_is_a_named_miss_and_nothing_named_is_not()
    {
        Environment.SetEnvironmentVariable(_environmentVariable, Path.Combine(_dir, "typo.pth"));
        var named = Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver().Resolve(Weights()));
        Assert.True(named.Named);
        Assert.Contains("typo.pth", named.Message, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(_environmentVariable, null);
        Assert.False(Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver().Resolve(Weights())).Named);
        Assert.True(Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver().Resolve(Weights(), Path.Combine(_dir, "nope.pth"))).Named);
    }

    [Fact]
    public void The_cache_directory_is_used_last()
    {
        var file = Weights();
        var path = Write(Path.Combine("cache", file.FileName), _bytes);
        Assert.Equal(path, Resolver().Resolve(file));
    }

    [Fact]
    public void A_wrong_checksum_is_a_checksum_error()
    {
        var file = Weights(prefix: "00000000");
        Write(Path.Combine("cache", file.FileName), _bytes);
        var error = Assert.Throws<VGGishWeightsChecksumException>(() => Resolver().Resolve(file));
        Assert.Equal("00000000", error.Expected);
        Assert.Equal(_sha256, error.Actual);
        Assert.Contains("SHA-256 mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_sha256_is_checked_when_given()
    {
        var good = Weights(sha256: _sha256);
        var path = Write(Path.Combine("cache", good.FileName), _bytes);
        Assert.Equal(path, Resolver().Resolve(good));
        var wrong = Weights(sha256: new string('a', 64));
        Assert.Throws<VGGishWeightsChecksumException>(() => Resolver().Resolve(wrong, path));
        Assert.Throws<ArgumentException>(() => Weights(sha256: "abc"));
    }

    [Fact]
    public void A_missing_file_says_where_to_put_it()
    {
        var file = Weights();
        var error = Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver().Resolve(file));
        Assert.Contains(Path.Combine(_dir, "cache", file.FileName), error.Message, StringComparison.Ordinal);
        Assert.Contains(FakeUrl.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(_environmentVariable, error.Message, StringComparison.Ordinal);

        var explicitMissing = Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver().Resolve(file, Path.Combine(_dir, "nope.pth")));
        Assert.Contains("does not exist", explicitMissing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_a_format_error_not_a_checksum_error()
    {
        var file = Weights();
        Write(Path.Combine("cache", file.FileName), _bytes[..(_bytes.Length / 2)]);
        var error = Assert.Throws<WeightsFormatException>(() => Resolver().Resolve(file));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_download_is_verified_then_moved_into_the_cache()
    {
        var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_bytes) });
        var file = Weights();
        var path = Resolver(allowDownload: true, handler).Resolve(file);
        Assert.Equal(Path.Combine(_dir, "cache", file.FileName), path);
        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.Equal(1, handler.Calls);
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "cache"))); // no temporary file left
    }

    [Fact]
    public void A_bad_download_is_rejected_and_leaves_nothing_in_the_cache()
    {
        var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_bytes) });
        var error = Assert.Throws<VGGishWeightsChecksumException>(() => Resolver(allowDownload: true, handler).Resolve(Weights(prefix: "00000000")));
        Assert.Contains(FakeUrl.ToString(), error.Path, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "cache")));
    }

    [Fact]
    public void Offline_the_download_failure_says_where_to_put_the_file()
    {
        var handler = new FakeHandler(_ => throw new HttpRequestException("Name or service not known"));
        var file = Weights();
        var error = Assert.Throws<VGGishWeightsNotFoundException>(() => Resolver(allowDownload: true, handler).Resolve(file));
        Assert.Contains("offline", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "cache", file.FileName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VGGishWeightsResolverOptions { DownloadTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentException>(() => new VGGishWeightsResolverOptions { CacheDirectory = " " });
        Assert.Throws<ArgumentException>(() => new OfficialWeightsFile("a/b.pth", FakeUrl, "X"));
        Assert.Throws<ArgumentException>(() => new OfficialWeightsFile("b.pth", new Uri("http://example.invalid/b.pth"), "X"));
    }

    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(respond(request));
        }
    }
}
