using FnSharp.Client;
using FnSharp.Testing.Hosting;
using Microsoft.Playwright;

namespace FnSharp.Dashboard.Tests;

/// <summary>
/// A real server on a loopback port with the real Docker engine, a typed API client on it (the tests
/// create everything through the API, as a user's deploy would), and browser pages on its dashboard
/// that record the page's errors and save screenshots under <c>artifacts/dashboard/</c>.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly FnSharpServerFactory _server = new();
    private readonly HttpClient _http;
    private readonly List<IBrowserContext> _contexts = [];

    public DashboardSession(IBrowser browser, Action<Dictionary<string, string>>? settings = null)
    {
        Browser = browser;
        settings?.Invoke(_server.Settings);
        BaseUrl = _server.StartOnLoopback();
        _http = new HttpClient { BaseAddress = BaseUrl };
        Api = new FnSharpClient(_http);
    }

    public IBrowser Browser { get; }

    public Uri BaseUrl { get; }

    public FnSharpClient Api { get; }

    /// <summary>The server's <c>FN_NODE_NAME</c>.</summary>
    public string NodeName => _server.NodeName;

    /// <summary>Errors the pages reported: uncaught exceptions, and console errors (a refused script or style among them).</summary>
    public List<string> PageErrors { get; } = [];

    /// <summary>Where screenshots go: <c>artifacts/dashboard/</c> at the repository's root.</summary>
    public static string ArtifactsDirectory { get; } = FindArtifactsDirectory();

    /// <summary>A new page of <paramref name="width"/> by <paramref name="height"/> CSS pixels in light or dark mode, at the dashboard's <paramref name="hash"/>.</summary>
    public async Task<IPage> OpenAsync(string hash = "#/", int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            BaseURL = BaseUrl.ToString(),
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => PageErrors.Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            // The browser logs every 4xx of a fetch: a call record not written yet and a call without a log are expected ones.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                PageErrors.Add($"console: {message.Text}");
            }
        };
        await page.GotoAsync(new Uri(BaseUrl, "/ui/" + hash).ToString());
        return page;
    }

    /// <summary>Saves a screenshot of the page as <c>artifacts/dashboard/NAME.png</c> (the caller has waited for what it shows).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = fullPage });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static string FindArtifactsDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? Path.GetTempPath(), "artifacts", "dashboard");
        Directory.CreateDirectory(path);
        return path;
    }
}
