using Microsoft.Playwright;

namespace FnSharp.Dashboard.Tests;

/// <summary>
/// One headless Debian Chromium for every browser test, driven by Playwright through its executable path:
/// Playwright's own browser is never downloaded. The flags keep Chromium off the network, which this
/// machine does not reach (without them it keeps trying Google's hosts), and run it as root.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium, installed by <c>scripts/ensure-chromium.sh</c>.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: run scripts/ensure-chromium.sh (scripts/test.sh does) and run the tests again.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = s_args });

        // A slow, loaded machine (CI's 2 cores with Docker at work) gets generous waits; a passing run waits far less.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
