using System.Collections.Concurrent;
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

    // The pages' requests not answered yet (nor failed), with when each was sent.
    private readonly ConcurrentDictionary<IRequest, DateTimeOffset> _pending = new();

    // What the pages did, one line each (requests, their answers or failures, the console, errors), for a failure's message.
    private readonly ConcurrentQueue<string> _journal = new();

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

    /// <summary>
    /// A new page of <paramref name="width"/> by <paramref name="height"/> CSS pixels in light or dark mode, at the dashboard's
    /// <paramref name="hash"/>; <paramref name="before"/> prepares the page before it loads (routes, the page's clock).
    /// </summary>
    public async Task<IPage> OpenAsync(string hash = "#/", int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light, Func<IPage, Task>? before = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            BaseURL = BaseUrl.ToString(),
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Request += (_, request) =>
        {
            _pending[request] = TimeProvider.System.GetUtcNow();
            Note($"{request.Method} {request.Url}");
        };
        page.Response += (_, response) => Note($"{response.Status} {response.Url}");
        page.RequestFinished += (_, request) => _pending.TryRemove(request, out var _);
        page.RequestFailed += (_, request) =>
        {
            _pending.TryRemove(request, out var _);
            Note($"failed {request.Method} {request.Url}: {request.Failure}");
        };
        page.FrameNavigated += (_, frame) => Note($"navigated {frame.Url}");
        page.Load += (_, _) => Note("load");
        page.PageError += (_, error) =>
        {
            PageErrors.Add($"page error: {error}");
            Note($"page error: {error}");
        };
        page.Console += (_, message) =>
        {
            Note($"console {message.Type}: {message.Text}");
            // The browser logs every 4xx of a fetch: a call record not written yet and a call without a log are expected ones.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                PageErrors.Add($"console: {message.Text}");
            }
        };
        if (before is not null)
        {
            await before(page);
        }

        await page.GotoAsync(new Uri(BaseUrl, "/ui/" + hash).ToString());
        return page;
    }

    /// <summary>
    /// Waits until the dashboard shows the page at <paramref name="hash"/> whole: the old page stays on screen until the
    /// new one is ready, so a check made right after a navigation could read the old one. Nothing in it is still
    /// loading, and no read of it failed (every read is bounded by the dashboard, whose alert names what did not answer).
    /// </summary>
    public async Task ExpectShownAsync(IPage page, string hash)
    {
        var main = page.Locator($"main[data-hash='{hash}']");
        try
        {
            await Assertions.Expect(main).ToHaveAttributeAsync("aria-busy", "false");
            await Assertions.Expect(main.Locator("[aria-busy='true']")).ToHaveCountAsync(0);
        }
        catch (PlaywrightException e)
        {
            // Say what the page was waiting for: its requests the server had not answered.
            var pending = _pending.Select(r => $"{r.Value:HH:mm:ss.fff} {r.Key.Method} {r.Key.Url}").Order().ToList();
            throw new InvalidOperationException(
                $"{hash} was not shown at {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}; requests not answered: {(pending.Count == 0 ? "none" : string.Join(", ", pending))}; what the pages did:{Environment.NewLine}{string.Join(Environment.NewLine, _journal)}",
                e);
        }

        Assert.Empty(await main.GetByRole(AriaRole.Alert).AllTextContentsAsync());
    }

    private void Note(string line) => _journal.Enqueue($"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {line}");

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
