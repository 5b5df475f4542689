using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FnSharp.Server.Dashboard;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Dashboard;

/// <summary>The dashboard's files at <c>/ui</c>, served from the server's assembly through the real pipeline.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed partial class DashboardApiTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private HttpClient _http = null!;

    public DashboardApiTests()
    {
        _server = new FnSharpServerFactory(_driver);
    }

    public Task InitializeAsync()
    {
        _http = _server.CreateDefaultClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Theory]
    [InlineData("/ui", "/ui/")]
    [InlineData("/ui?x=1", "/ui/?x=1")]
    public async Task Get_WithoutTheSlash_RedirectedUnderIt(string path, string location)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Get_Root_ThePageWithItsSecurityHeaders()
    {
        using var response = await _http.GetAsync(new Uri("/ui/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("<script type=\"module\" src=\"boot.js\"></script>", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Get_AcceptingGzip_TheSameBytesGzipped()
    {
        var plain = await _http.GetByteArrayAsync(new Uri("/ui/vendor/uPlot.esm.js", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/ui/vendor/uPlot.esm.js", UriKind.Relative));
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate");
        using var response = await _http.SendAsync(request);
        var gzipped = await response.Content.ReadAsByteArrayAsync();
        using var unzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await unzip.CopyToAsync(unzipped);

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.True(gzipped.Length < plain.Length / 2, $"{gzipped.Length} bytes gzipped of {plain.Length}");
        Assert.Equal(plain, unzipped.ToArray());
    }

    [Fact]
    public async Task Get_WithItsETag_304WithoutBody()
    {
        using var first = await _http.GetAsync(new Uri("/ui/style.css", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/ui/style.css", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/ui/nothing.js")]
    [InlineData("/ui/pages")]
    [InlineData("/ui/../appsettings.json")]
    public async Task Get_NoSuchFile_404PathNotFound(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"Path not found"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Assets_EveryFileThePagesLoad_Embedded()
    {
        var assets = new DashboardAssets();
        var missing = new List<string>();
        foreach (var path in assets.Paths.Where(p => p.EndsWith(".html", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = Encoding.UTF8.GetString(assets.Find(path)!.Content);
            var directory = path.Contains('/', StringComparison.Ordinal) ? path[..(path.LastIndexOf('/') + 1)] : "";
            var references = path.EndsWith(".html", StringComparison.Ordinal) ? HtmlReference().Matches(text) : ImportReference().Matches(text);
            foreach (var reference in references.Select(m => m.Groups["path"].Value).Where(r => !r.Contains(':', StringComparison.Ordinal) && !r.StartsWith('#')))
            {
                var resolved = new Uri(new Uri("http://x/ui/" + directory), reference).AbsolutePath["/ui/".Length..];
                if (assets.Find(resolved) is null)
                {
                    missing.Add($"{path} -> {reference}");
                }
            }
        }

        Assert.Contains("vendor/uPlot.esm.js", assets.Paths);
        Assert.Empty(missing);
    }

    [GeneratedRegex("""(?:src|href)="(?<path>[^"]+)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex HtmlReference();

    [GeneratedRegex("""(?:from|import)\s+'(?<path>\.[^']+)'""")]
    private static partial Regex ImportReference();
}
