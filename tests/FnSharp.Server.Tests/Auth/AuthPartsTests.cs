using System.Threading.RateLimiting;
using FnSharp.Server.Auth;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Auth;

/// <summary>The pure parts of auth: tokens, the clock-driven bucket, image patterns and the settings' checks.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AuthPartsTests
{
    [Fact]
    public void ApiTokens_CreateThenParse_SameIdAndMatchingSecret()
    {
        var (token, hash) = ApiTokens.Create("01JKEY00000000000000000001");

        Assert.True(ApiTokens.TryParse(token, out var id, out var secret));
        Assert.Equal("01JKEY00000000000000000001", id);
        Assert.True(ApiTokens.Matches(secret, hash));
        Assert.False(ApiTokens.Matches(secret + "x", hash));
        Assert.Equal(32, hash.Length);
        Assert.NotEqual(token, ApiTokens.Create("01JKEY00000000000000000001").Token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fns_")]
    [InlineData("fns__secret")]
    [InlineData("fns_id_")]
    [InlineData("other_id_secret")]
    public void ApiTokens_NotOfTheShape_NotParsed(string token) => Assert.False(ApiTokens.TryParse(token, out _, out _));

    [Fact]
    public void ClockTokenBucket_FakeClock_RefillsContinuouslyUpToItsRate()
    {
        var time = new FakeTimeProvider();
        using var bucket = new ClockTokenBucketLimiter(4, time, "limit");

        var burst = Enumerable.Range(0, 5).Select(_ => bucket.AttemptAcquire().IsAcquired).ToList();
        using var refused = bucket.AttemptAcquire();
        time.Advance(TimeSpan.FromMilliseconds(250));
        var oneMore = bucket.AttemptAcquire().IsAcquired;
        var none = bucket.AttemptAcquire().IsAcquired;
        time.Advance(TimeSpan.FromHours(1));
        var afterLongIdle = Enumerable.Range(0, 5).Select(_ => bucket.AttemptAcquire().IsAcquired).ToList();

        Assert.Equal([true, true, true, true, false], burst);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(250), retryAfter);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal("limit", reason);
        Assert.True(oneMore);
        Assert.False(none);
        Assert.Equal([true, true, true, true, false], afterLongIdle);
    }

    [Fact]
    public void ClockTokenBucket_IdleDuration_CountsFromWhenItIsFullAgain()
    {
        var time = new FakeTimeProvider();
        using var bucket = new ClockTokenBucketLimiter(1, time, "limit");
        bucket.AttemptAcquire().Dispose();

        var busy = bucket.IdleDuration;
        time.Advance(TimeSpan.FromSeconds(1));
        var full = bucket.IdleDuration;
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(busy);
        Assert.Equal(TimeSpan.Zero, full);
        Assert.Equal(TimeSpan.FromSeconds(10), bucket.IdleDuration);
    }

    [Theory]
    [InlineData("hello", "docker.io/library/hello:latest")]
    [InlineData("fnsharp/hello-csharp", "docker.io/fnsharp/hello-csharp:latest")]
    [InlineData("fnsharp/testfn:latest", "docker.io/fnsharp/testfn:latest")]
    [InlineData("registry.example.com:5000/team/fn", "registry.example.com:5000/team/fn:latest")]
    [InlineData("localhost/fn@sha256:abc", "localhost/fn@sha256:abc")]
    public void ImagePolicy_FullForm_AsDockerNormalizes(string image, string full) => Assert.Equal(full, ImagePolicy.FullForm(image));

    [Theory]
    [InlineData("fnsharp/*", "fnsharp/testfn:latest", true)]
    [InlineData("docker.io/library/*", "alpine", true)]
    [InlineData("registry.example.com/team/*", "registry.example.com/other/fn:1", false)]
    [InlineData("fnsharp/hello-?sharp:*", "fnsharp/hello-csharp:1", true)]
    [InlineData("fnsharp/*", "evil/fnsharp:1", false)]
    public void ImagePolicy_IsAllowed_GlobOnWrittenOrFullForm(string pattern, string image, bool allowed) =>
        Assert.Equal(allowed, ImagePolicy.IsAllowed([pattern], image));

    [Theory]
    [InlineData("FN_AUTH", "maybe", "FN_AUTH must be auto, on or off, not 'maybe'.")]
    [InlineData("FN_ADMIN_TOKEN", "short", "FN_ADMIN_TOKEN must be at least 32 characters without spaces or control characters (it has 5); make one with: openssl rand -hex 32")]
    [InlineData("FN_KEY_REQUESTS_PER_SEC", "-1", "FN_KEY_REQUESTS_PER_SEC must be a number of requests per second from 0 (no limit) to 1000000, not -1.")]
    [InlineData("FN_APP_CALLS_PER_SEC", "-2", "FN_APP_CALLS_PER_SEC must be a number of calls per second from 0 (no limit) to 1000000, not -2.")]
    [InlineData("FN_AUDIT_MAX_AGE_SECS", "-1", "FN_AUDIT_MAX_AGE_SECS must be a number of seconds (0 keeps the audit log forever), not -1.")]
    public void AuthSettings_BadValue_NamesSettingAndValue(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var failures = Settings.Auth.Read(configuration).Failures;

        Assert.Equal([message], failures);
    }

    [Theory]
    [InlineData("*", false, "http://*:8080")]
    [InlineData("127.0.0.1", true, "http://127.0.0.1:8080")]
    [InlineData("localhost", true, "http://localhost:8080")]
    [InlineData("::1", true, "http://[::1]:8080")]
    [InlineData("0.0.0.0", false, "http://0.0.0.0:8080")]
    [InlineData("192.0.2.10", false, "http://192.0.2.10:8080")]
    public void ServerOptions_ListenAddress_LoopbackAndUrl(string address, bool loopback, string url)
    {
        var options = new ServerOptions { ListenAddress = address };

        Assert.Equal(loopback, options.ListensOnLoopbackOnly);
        Assert.Equal(url, options.ListenUrl);
    }

    [Fact]
    public void ServerSettings_ListenAddressNotAnAddress_Refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_LISTEN_ADDRESS"] = "example.com" }).Build();

        Assert.Contains("FN_LISTEN_ADDRESS must be * (every interface), localhost or an IP address such as 127.0.0.1, not 'example.com'.", Settings.Server.Read(configuration).Failures);
    }
}
