using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FnSharp.Dashboard.Tests;

/// <summary>
/// The dashboard end to end: Debian's Chromium on the real server (loopback port, real Docker engine,
/// <c>fnsharp/testfn</c>), with everything created through the API. Each test saves screenshots of the
/// pages it visits under <c>artifacts/dashboard/</c>.
/// </summary>
[Collection(BrowserGroup.Name)]
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DashboardBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string TestFn = "fnsharp/testfn:latest";

    private DashboardSession _session = null!;

    public Task InitializeAsync()
    {
        _session = new DashboardSession(browser.Browser);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task AppAndFnFromTheApi_ListedInvokedFromThePage_TheCallAppearsWithItsLog()
    {
        var (app, fn) = await CreateShopAsync();
        var page = await _session.OpenAsync("#/apps");

        // The apps list, its search, and the app's page.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "shop" })).ToBeVisibleAsync();
        await DashboardSession.ScreenshotAsync(page, "apps");
        var search = page.GetByRole(AriaRole.Searchbox, new() { Name = "Search apps" });
        await search.FillAsync("zzz");
        await Expect(page.GetByText("No app matches \"zzz\".")).ToBeVisibleAsync();
        await search.FillAsync("sho");
        await page.GetByRole(AriaRole.Link, new() { Name = "shop" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "shop", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Fns of the app" }).GetByRole(AriaRole.Link, new() { Name = "checkout" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Triggers of the app" })).ToContainTextAsync("/checkout");
        await DashboardSession.ScreenshotAsync(page, "app");

        // The fns list, then the fn's page with what the API holds.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { Name = "Fns" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = TestFn })).ToBeVisibleAsync();
        await DashboardSession.ScreenshotAsync(page, "fns");
        await page.GetByRole(AriaRole.Table, new() { Name = "Fns" }).GetByRole(AriaRole.Link, new() { Name = "checkout" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "checkout", Level = 1 })).ToBeVisibleAsync();
        var settings = page.Locator("dl.facts");
        await Expect(settings).ToContainTextAsync(TestFn);
        await Expect(settings).ToContainTextAsync("256 MiB");
        await Expect(settings).ToContainTextAsync("20 s");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Configuration" })).ToContainTextAsync("GREETING");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Annotations" })).ToContainTextAsync("payments");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Triggers" })).ToContainTextAsync(new Uri(_session.BaseUrl, "/t/shop/checkout").ToString());

        // Invoke from the page: the answer, its status, headers and call id.
        await page.GetByLabel("Body").FillAsync("""{"stdout":["hello from the browser"],"stderr":["a warning"],"body":"answered"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invoke" }).ClickAsync();
        await Expect(page.Locator(".answer-line")).ToContainTextAsync("200 OK");
        await Expect(page.Locator(".body-text")).ToHaveTextAsync("answered");
        var callLink = page.Locator("a.call-link");
        var callId = (await callLink.TextContentAsync())!;
        await page.GetByText("Headers (").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Response headers" })).ToContainTextAsync(callId);
        await DashboardSession.ScreenshotAsync(page, "fn");

        // The call's page: written about half a second after the call, with its timeline and log.
        await callLink.ClickAsync();
        await Expect(page.Locator(".call-status")).ToContainTextAsync("success");
        await Expect(page.Locator("pre.log")).ToContainTextAsync("hello from the browser");
        await Expect(page.Locator("pre.log")).ToContainTextAsync("a warning");
        await Expect(page.Locator(".timeline .legend")).ToContainTextAsync("running");
        await DashboardSession.ScreenshotAsync(page, "call");

        // The fn's calls, and a filter that leaves none.
        await page.GetByRole(AriaRole.Link, new() { Name = "Calls", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = callId })).ToContainTextAsync("success");
        await DashboardSession.ScreenshotAsync(page, "calls");
        await page.GetByLabel("Status").SelectOptionAsync("error");
        await Expect(page.GetByText("No calls match these filters.")).ToBeVisibleAsync();
        Assert.EndsWith("/calls?status=error", page.Url, StringComparison.Ordinal);

        // The live view of the fn and of the node count the call.
        await page.GetByRole(AriaRole.Link, new() { Name = "Live", Exact = true }).Last.ClickAsync();
        await Expect(page.Locator(".card").First).ToContainTextAsync("1 in the last");
        await Expect(page.Locator(".chart canvas")).ToHaveCountAsync(4);
        await DashboardSession.ScreenshotAsync(page, "fn-live");
        await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/#/live").ToString());
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Fns with calls or containers in the last minute" })).ToContainTextAsync("checkout");
        await Expect(page.Locator(".live-status")).ToContainTextAsync($"Node {_session.NodeName}");
        await DashboardSession.ScreenshotAsync(page, "live");

        Assert.Equal(fn.Id, (await _session.Api.GetCallAsync(fn.Id, callId)).FnId);
        Assert.Equal(app.Id, (await _session.Api.GetCallAsync(fn.Id, callId)).AppId);
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task DeadLetter_RedriveButton_QueuesItAgain()
    {
        var (_, fn) = await CreateShopAsync();
        var accepted = await _session.Api.InvokeDetachedAsync(fn.Id, """{"throw":"card declined"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var dead = await WaitForCallAsync(fn.Id, accepted.CallId!, c => c.DeadLetter);

        var page = await _session.OpenAsync($"#/fns/{fn.Id}/dead-letters");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = dead.Id });
        await Expect(row).ToContainTextAsync("function failed");
        await DashboardSession.ScreenshotAsync(page, "dead-letters");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Redrive call {dead.Id}" }).ClickAsync();
        await Expect(page.Locator(".ok-box")).ToContainTextAsync($"Call {dead.Id} was queued again.");

        // The worker ran it again: a new attempt, ended after the first (it fails again, as its body says).
        var again = await WaitForCallAsync(fn.Id, dead.Id, c => c.CompletedAt > dead.CompletedAt);
        Assert.Equal((1, "error"), (again.Attempts, again.Status));
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task CallRecord_WithStartKindPhasesAndTimeline_ShownWhereTheRecordHasThem()
    {
        // Records do not carry these fields yet (issue 17): the browser sees them added to a real record on its way.
        var (_, fn) = await CreateShopAsync(triggers: false);
        var call = await _session.Api.InvokeAsync(fn.Id, """{"body":"ok"}""");
        await WaitForCallAsync(fn.Id, call.CallId!, c => c.IsFinished);
        var page = await _session.OpenAsync("#/apps");
        await page.RouteAsync(new Regex($"/v2/fns/{fn.Id}/calls(/{call.CallId})?([?].*)?$"), async route =>
        {
            var response = await route.FetchAsync();
            var body = JsonNode.Parse(await response.TextAsync())!.AsObject();
            foreach (var record in body["items"] is JsonArray items ? items.Select(i => i!.AsObject()) : [body])
            {
                record["start_kind"] = "cold";
                record["start_phases_ms"] = new JsonObject { ["create"] = 120, ["start"] = 80, ["ready"] = 35 };
                record["timeline_ms"] = new JsonObject { ["queued"] = 5, ["waiting"] = 240, ["running"] = 40 };
            }

            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });

        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}/calls").ToString());
        await _session.ExpectShownAsync(page, $"#/fns/{fn.Id}/calls");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = call.CallId! })).ToContainTextAsync("cold");
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}/calls/{call.CallId}").ToString());
        await _session.ExpectShownAsync(page, $"#/fns/{fn.Id}/calls/{call.CallId}");

        await Expect(page.Locator(".call-status")).ToContainTextAsync("cold");
        await Expect(page.Locator(".timeline .legend")).ToHaveTextAsync("queued: 5.0 mswaiting: 240 msrunning: 40.0 ms");
        await Expect(page.Locator(".start-phases")).ToHaveTextAsync("Container start (cold): create 120 ms + start 80.0 ms + ready 35.0 ms");
        await DashboardSession.ScreenshotAsync(page, "call-start-phases");
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task EmptyServer_EveryListSaysWhatToDo()
    {
        var page = await _session.OpenAsync("#/apps");
        await Expect(page.GetByText("No apps yet: create one with the fnsharp CLI")).ToBeVisibleAsync();
        await Expect(page.Locator("pre.command")).ToContainTextAsync($"curl -X POST {_session.BaseUrl.ToString().TrimEnd('/')}/v2/apps");
        await DashboardSession.ScreenshotAsync(page, "empty-apps");

        await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/#/fns").ToString());
        await Expect(page.GetByText("No fns yet, and no app to hold one")).ToBeVisibleAsync();

        var (_, fn) = await CreateShopAsync(triggers: false);
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}/calls").ToString());
        await Expect(page.GetByText("No calls yet: invoke it from the Overview tab, or with")).ToBeVisibleAsync();
        await Expect(page.Locator("pre.command")).ToContainTextAsync($"/invoke/{fn.Id}");
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}/dead-letters").ToString());
        await Expect(page.GetByText("No dead letters")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}").ToString());
        await Expect(page.GetByText("No triggers: the fn is reached at its invoke endpoint only.")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/#/live").ToString());
        await Expect(page.GetByText("No calls in the last minute on this node")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/#/nowhere").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        Assert.Empty(_session.PageErrors);
    }

    [Theory]
    [InlineData(1280, ColorScheme.Light)]
    [InlineData(390, ColorScheme.Dark)]
    public async Task EveryPage_AtThisWidthAndScheme_NoSidewaysScroll(int width, ColorScheme scheme)
    {
        var (app, fn) = await CreateShopAsync();
        var call = await _session.Api.InvokeAsync(fn.Id, """{"stdout":["one line"],"body":"ok"}""");
        await WaitForCallAsync(fn.Id, call.CallId!, c => c.IsFinished);
        var suffix = $"{width}-{scheme.ToString().ToLowerInvariant()}";
        string[] pages = ["#/apps", $"#/apps/{app.Id}", "#/fns", $"#/fns/{fn.Id}", $"#/fns/{fn.Id}/calls", $"#/fns/{fn.Id}/calls/{call.CallId}", $"#/fns/{fn.Id}/dead-letters", $"#/fns/{fn.Id}/live", "#/live"];

        var page = await _session.OpenAsync(pages[0], width, 800, scheme);
        foreach (var hash in pages)
        {
            await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/" + hash).ToString());
            await _session.ExpectShownAsync(page, hash);
            await Expect(page.Locator("main h1")).ToBeVisibleAsync();
            await Expect(page.Locator("main")).Not.ToContainTextAsync("Loading");
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{hash} at {width} px scrolls sideways by {overflow} px");
        }

        // The dark scheme is applied: the page's background is dark.
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal(scheme == ColorScheme.Dark ? "rgb(20, 20, 27)" : "rgb(247, 247, 251)", background);
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}").ToString());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Invoke" })).ToBeVisibleAsync();
        await DashboardSession.ScreenshotAsync(page, $"fn-{suffix}");
        await page.GotoAsync(new Uri(_session.BaseUrl, $"/ui/#/fns/{fn.Id}/live").ToString());
        await Expect(page.Locator(".chart canvas")).ToHaveCountAsync(4);
        await DashboardSession.ScreenshotAsync(page, $"fn-live-{suffix}");
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task SharedLists_FirstPageLeftWhileTheyAreRead_NextPageShowsThem()
    {
        await CreateShopAsync(triggers: false);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The apps list is held until the apps page is left; the page's clock stands still, so the lists the apps page
        // asked for are still the fresh ones when the fns page asks (they are kept two seconds).
        var page = await _session.OpenAsync("#/apps", before: async page =>
        {
            await page.Clock.SetFixedTimeAsync(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            await page.RouteAsync(new Regex(@"/v2/apps\?"), route => HoldAsync(route, held, release));
        });
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.GotoAsync(new Uri(_session.BaseUrl, "/ui/#/fns").ToString());

        // The fns page names itself as it asks for the lists: the apps page is left by then.
        await Expect(page).Not.ToHaveTitleAsync("Apps · FnSharp");
        release.SetResult();

        // The lists were not aborted with the apps page: the fns page shows them (it got the apps page's abort before).
        await _session.ExpectShownAsync(page, "#/fns");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Fns" }).GetByRole(AriaRole.Link, new() { Name = "checkout" })).ToBeVisibleAsync();
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task Read_NotAnsweredWithinItsTime_PageNamesItAndTryAgainShowsIt()
    {
        await CreateShopAsync(triggers: false);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var page = await _session.OpenAsync("#/apps", before: async page =>
        {
            await page.Clock.InstallAsync();
            await page.RouteAsync(new Regex(@"/v2/apps\?"), route => HoldAsync(route, held, release));
        });
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // 20 s on the page's clock without the apps list: the page says which request did not answer, and stops loading.
        await page.Clock.RunForAsync(20_000);
        var alert = page.Locator("main").GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("The server did not answer GET /v2/apps within 20 s.");
        await Expect(page.Locator("main")).ToHaveAttributeAsync("aria-busy", "false");
        await DashboardSession.ScreenshotAsync(page, "no-answer", fullPage: false);

        release.SetResult();
        await alert.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await _session.ExpectShownAsync(page, "#/apps");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "shop" })).ToBeVisibleAsync();
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task NetworkFailure_OfAModuleAndOfARead_ThePageLoadsAgainAndTheReadIsSentAgain()
    {
        await CreateShopAsync(triggers: false);
        var modules = 0;
        var reads = 0;

        // Chromium fails the requests in flight when a network interface comes or goes, as at each container start on the
        // host (net::ERR_NETWORK_CHANGED; seen to leave the page "Loading…"): here the first load of a page's module, then
        // the first read of the apps list, fail on the way.
        var page = await _session.OpenAsync("#/apps", before: async page =>
        {
            await page.RouteAsync("**/ui/pages/call.js", route => Interlocked.Increment(ref modules) == 1 ? route.AbortAsync("connectionreset") : route.ContinueAsync());
            await page.RouteAsync(new Regex(@"/v2/apps\?"), route => Interlocked.Increment(ref reads) == 1 ? route.AbortAsync("connectionreset") : route.ContinueAsync());
        });

        await _session.ExpectShownAsync(page, "#/apps");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "shop" })).ToBeVisibleAsync();
        Assert.Equal((2, 2), (modules, reads));
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task Keyboard_SearchThenTabAndEnter_OpensTheApp()
    {
        var (app, _) = await CreateShopAsync(triggers: false);
        var page = await _session.OpenAsync("#/apps");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "shop" })).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("shop");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "shop" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "shop", Level = 1 })).ToBeVisibleAsync();
        Assert.EndsWith($"#/apps/{app.Id}", page.Url, StringComparison.Ordinal);
        Assert.Empty(_session.PageErrors);
    }

    [Fact]
    public async Task ApiKey_EnteredOnce_SentAsBearerOnEveryRequestAndA401AsksForIt()
    {
        var page = await _session.OpenAsync("#/apps");
        await Expect(page.GetByText("No apps yet")).ToBeVisibleAsync();
        var authorizations = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/v2/", StringComparison.Ordinal))
            {
                authorizations.Add(request.Headers.GetValueOrDefault("authorization"));
            }
        };

        // A server with keys answers 401 without one (issue 18): the page asks for the key.
        await page.RouteAsync("**/v2/apps*", route => route.Request.Headers.GetValueOrDefault("authorization") == "Bearer s3cret-key"
            ? route.ContinueAsync()
            : route.FulfillAsync(new() { Status = 401, ContentType = "application/json", Body = """{"message":"Invalid API key"}""" }));
        await page.ReloadAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Invalid API key");
        await DashboardSession.ScreenshotAsync(page, "api-key", fullPage: false);
        await dialog.GetByLabel("Key").FillAsync("s3cret-key");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();

        await Expect(page.GetByText("No apps yet")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "API key ✓" })).ToBeVisibleAsync();
        Assert.Equal("s3cret-key", await page.EvaluateAsync<string>("sessionStorage.getItem('fnsharp.apiKey')"));
        Assert.Contains("Bearer s3cret-key", authorizations);
        Assert.Equal("Bearer s3cret-key", authorizations[^1]);
    }

    /// <summary>Holds a request until <paramref name="release"/> (telling <paramref name="held"/>), then lets it go to the server, unless the page gave it up.</summary>
    private static async Task HoldAsync(IRoute route, TaskCompletionSource held, TaskCompletionSource release)
    {
        held.TrySetResult();
        await release.Task;
        try
        {
            await route.ContinueAsync();
        }
        catch (PlaywrightException)
        {
            // The page aborted the request meanwhile (it left the page, or the request's time ran out).
        }
    }

    private async Task<(App App, Fn Fn)> CreateShopAsync(bool triggers = true)
    {
        var app = await _session.Api.CreateAppAsync(new App { Name = "shop" });
        var fn = await _session.Api.CreateFnAsync(new Fn
        {
            AppId = app.Id,
            Name = "checkout",
            Image = TestFn,
            Memory = 256,
            Timeout = 20,
            Config = new Dictionary<string, string> { ["GREETING"] = "hello" },
            Annotations = new Dictionary<string, JsonElement> { ["team"] = JsonSerializer.SerializeToElement("payments") },
        });
        if (triggers)
        {
            await _session.Api.CreateTriggerAsync(new Trigger { AppId = app.Id, FnId = fn.Id, Name = "checkout-http", Type = "http", Source = "/checkout" });
        }

        return (app, fn);
    }

    /// <summary>
    /// Reads the call through the API every 100 ms until <paramref name="condition"/> holds: the detached
    /// worker and the record writer run behind the calls, and the API is how a user sees them; 60 s is a failsafe.
    /// </summary>
    private async Task<Call> WaitForCallAsync(string fnId, string callId, Func<Call, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            Call? call = null;
            try
            {
                call = await _session.Api.GetCallAsync(fnId, callId);
            }
            catch (FnSharp.Client.FnApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // A synchronous call's record is written about half a second after the call.
            }

            if (call is not null && condition(call))
            {
                return call;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"call {callId} not in the state awaited after 60 s: {call?.Status ?? "no record"}");
            }

            await Task.Delay(100);
        }
    }
}
