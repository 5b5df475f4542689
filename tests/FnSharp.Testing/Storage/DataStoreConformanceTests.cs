using System.Text.Json;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Xunit;
using M = FnSharp.Testing.Builders.Models;

namespace FnSharp.Testing.Storage;

/// <summary>
/// What every <see cref="IDataStore"/> must do (Fn's <c>datastoretest</c>): derive once per backend and
/// open a fresh, empty store in <see cref="OpenStoreAsync"/> (xUnit makes one instance per test, so
/// every test has its own store). Tests make their own names all the same, so they would also pass on
/// a shared store.
/// </summary>
public abstract class DataStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] UnicodeSuffixes = ["z", "é", "a", "Z", "ä", "b", "日本", "-", "_", "0"];

    /// <summary>The store under test, opened in <see cref="InitializeAsync"/>.</summary>
    protected IDataStore Store { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store.</summary>
    protected abstract Task<IDataStore> OpenStoreAsync();

    /// <summary>Closes the store and removes what it stored.</summary>
    protected abstract Task CloseStoreAsync();

    /// <inheritdoc/>
    public async Task InitializeAsync() => Store = await OpenStoreAsync();

    /// <inheritdoc/>
    public Task DisposeAsync() => CloseStoreAsync();

    [Fact]
    public async Task InsertApp_ThenGet_RoundTripsEveryField()
    {
        var app = M.App("ünïcode-приложение-アプリ") with
        {
            Config = new Dictionary<string, string> { ["K"] = "V", ["EMPTY"] = "" },
            Annotations = new Dictionary<string, JsonElement> { ["a/b"] = JsonDocument.Parse("""{"x":[1,2]}""").RootElement },
            SyslogUrl = "tcp://logs:514",
            Shape = "GENERIC_ARM",
            CreatedAt = Now,
            UpdatedAt = Now.AddSeconds(1),
        };

        await Store.InsertAppAsync(app, None);
        var byId = await Store.GetAppByIdAsync(app.Id, None);
        var byName = await Store.GetAppByNameAsync(app.Name, None);

        Assert.NotNull(byId);
        Assert.Equal((app.Id, app.Name, app.SyslogUrl, app.Shape, app.CreatedAt, app.UpdatedAt), (byId.Id, byId.Name, byId.SyslogUrl, byId.Shape, byId.CreatedAt, byId.UpdatedAt));
        Assert.Equal(app.Config, byId.Config);
        Assert.Equal("""{"x":[1,2]}""", byId.Annotations["a/b"].GetRawText());
        Assert.Equal(app.Id, byName?.Id);
    }

    [Fact]
    public async Task GetApp_Unknown_Null()
    {
        Assert.Null(await Store.GetAppByIdAsync("nope", None));
        Assert.Null(await Store.GetAppByNameAsync("nope", None));
    }

    [Fact]
    public async Task InsertApp_EightConcurrentSameName_ExactlyOneWins()
    {
        var name = M.App().Name;
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.InsertAppAsync(M.App(name), None);
                return true;
            }
            catch (ApiException e) when (e.Error == ApiErrors.AppAlreadyExists)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(r => r));
        Assert.Single((await Store.GetAppsAsync(new ListFilter { Name = name }, None)).Items);
    }

    [Fact]
    public async Task GetApps_UnicodeNames_OrderedByCodePoint()
    {
        var prefix = M.App().Name + "-";
        var names = UnicodeSuffixes.Select(n => prefix + n).ToList();
        foreach (var name in names)
        {
            await Store.InsertAppAsync(M.App(name), None);
        }

        var listed = (await Store.GetAppsAsync(new ListFilter { AfterName = prefix, PerPage = 100 }, None)).Items
            .Select(a => a.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task UpdateApp_Change_StoredAndReturnedWithNameKept()
    {
        var app = await Store.InsertAppAsync(M.App(), None);

        var updated = await Store.UpdateAppAsync(app.Id, a => a with { Name = "ignored", Config = new Dictionary<string, string> { ["A"] = "1" }, SyslogUrl = "udp://x:1", UpdatedAt = Now }, None);
        var read = await Store.GetAppByIdAsync(app.Id, None);

        Assert.Equal((app.Name, "1", "udp://x:1", Now), (updated.Name, updated.Config["A"], updated.SyslogUrl, updated.UpdatedAt));
        Assert.Equal((app.Name, "1", "udp://x:1", Now), (read!.Name, read.Config["A"], read.SyslogUrl, read.UpdatedAt));
    }

    [Fact]
    public async Task UpdateApp_Unknown_AppNotFound()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => Store.UpdateAppAsync("nope", a => a, None));

        Assert.Equal(ApiErrors.AppNotFound, e.Error);
    }

    [Fact]
    public async Task UpdateApp_UpdateThrows_NothingChanged()
    {
        var app = await Store.InsertAppAsync(M.App(), None);

        await Assert.ThrowsAsync<ApiException>(() => Store.UpdateAppAsync(app.Id, _ => throw new ApiException(ApiErrors.AppNameImmutable), None));

        Assert.Equal(app.UpdatedAt, (await Store.GetAppByIdAsync(app.Id, None))!.UpdatedAt);
    }

    [Fact]
    public async Task UpdateApp_EightConcurrentMerges_NoneLost()
    {
        var app = await Store.InsertAppAsync(M.App(), None);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Store.UpdateAppAsync(
            app.Id,
            a => a with { Config = new Dictionary<string, string>(a.Config) { [$"K{i}"] = "v" } },
            None))));

        Assert.Equal(8, (await Store.GetAppByIdAsync(app.Id, None))!.Config.Count);
    }

    [Fact]
    public async Task RemoveApp_WithFnsAndTriggers_AllRemoved()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn), None);
        var other = await Store.InsertAppAsync(M.App(), None);
        var otherFn = await Store.InsertFnAsync(M.Fn(other), None);

        Assert.True(await Store.RemoveAppAsync(app.Id, None));

        Assert.Null(await Store.GetAppByIdAsync(app.Id, None));
        Assert.Null(await Store.GetFnAsync(fn.Id, None));
        Assert.Null(await Store.GetTriggerAsync(trigger.Id, None));
        Assert.Empty((await Store.GetFnsAsync(new ListFilter { AppId = app.Id }, None)).Items);
        Assert.NotNull(await Store.GetFnAsync(otherFn.Id, None));
        Assert.False(await Store.RemoveAppAsync(app.Id, None));
    }

    [Fact]
    public async Task InsertFn_ThenGet_RoundTripsEveryField()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = M.Fn(app) with
        {
            Name = "fn.v1~x",
            Memory = 256,
            Timeout = 60,
            IdleTimeout = 120,
            Config = new Dictionary<string, string> { ["X"] = "y" },
            Annotations = new Dictionary<string, JsonElement> { ["n"] = JsonDocument.Parse("42").RootElement },
            Shape = "GENERIC_X86",
            CreatedAt = Now,
            UpdatedAt = Now,
        };

        await Store.InsertFnAsync(fn, None);
        var read = await Store.GetFnAsync(fn.Id, None);

        Assert.NotNull(read);
        Assert.Equal((fn.AppId, fn.Name, fn.Image, 256, 60, 120, "GENERIC_X86", Now), (read.AppId, read.Name, read.Image, read.Memory, read.Timeout, read.IdleTimeout, read.Shape, read.CreatedAt));
        Assert.Equal("y", read.Config["X"]);
        Assert.Equal(42, read.Annotations["n"].GetInt32());
    }

    [Fact]
    public async Task InsertFn_UnknownApp_AppNotFound()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => Store.InsertFnAsync(M.Fn(M.App()), None));

        Assert.Equal(ApiErrors.AppNotFound, e.Error);
    }

    [Fact]
    public async Task InsertFn_SameNameInAnotherApp_AllowedButNotInTheSameApp()
    {
        var one = await Store.InsertAppAsync(M.App(), None);
        var two = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(one), None);

        await Store.InsertFnAsync(M.Fn(two) with { Name = fn.Name }, None);
        var e = await Assert.ThrowsAsync<ApiException>(() => Store.InsertFnAsync(M.Fn(one) with { Name = fn.Name }, None));

        Assert.Equal(ApiErrors.FnAlreadyExists, e.Error);
    }

    [Fact]
    public async Task InsertFn_EightConcurrentSameName_ExactlyOneWins()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.InsertFnAsync(M.Fn(app) with { Name = "same" }, None);
                return true;
            }
            catch (ApiException e) when (e.Error == ApiErrors.FnAlreadyExists)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(r => r));
        Assert.Single((await Store.GetFnsAsync(new ListFilter { AppId = app.Id }, None)).Items);
    }

    [Fact]
    public async Task GetFns_250InPagesOf100_NoGapNoRepeat()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var names = Enumerable.Range(0, 250).Select(i => $"fn{i:D3}").ToList();
        foreach (var name in names.OrderBy(n => n.GetHashCode(StringComparison.Ordinal)))
        {
            await Store.InsertFnAsync(M.Fn(app) with { Name = name }, None);
        }

        var pages = new List<Page<Fn>>();
        var filter = new ListFilter { AppId = app.Id, PerPage = 100 };
        do
        {
            pages.Add(await Store.GetFnsAsync(filter, None));
            filter = filter with { AfterName = pages[^1].Items[^1].Name, AfterId = pages[^1].Items[^1].Id };
        }
        while (pages[^1].Full);

        Assert.Equal([100, 100, 50], pages.Select(p => p.Items.Count));
        Assert.Equal(names, pages.SelectMany(p => p.Items).Select(f => f.Name));
    }

    [Fact]
    public async Task GetFns_SameNameAcrossApps_NameThenIdOrderPagesWithoutGaps()
    {
        var fns = new List<Fn>();
        for (var i = 0; i < 5; i++)
        {
            var app = await Store.InsertAppAsync(M.App(), None);
            fns.Add(await Store.InsertFnAsync(M.Fn(app) with { Name = "shared-name-across-apps" }, None));
        }

        var seen = new List<string>();
        var filter = new ListFilter { Name = "shared-name-across-apps", PerPage = 2 };
        while (true)
        {
            var page = await Store.GetFnsAsync(filter, None);
            seen.AddRange(page.Items.Select(f => f.Id));
            if (!page.Full)
            {
                break;
            }

            filter = filter with { AfterName = page.Items[^1].Name, AfterId = page.Items[^1].Id };
        }

        Assert.Equal(fns.Select(f => f.Id).Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task UpdateFn_RenameOntoTakenName_FnAlreadyExists()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var one = await Store.InsertFnAsync(M.Fn(app), None);
        var two = await Store.InsertFnAsync(M.Fn(app), None);

        var e = await Assert.ThrowsAsync<ApiException>(() => Store.UpdateFnAsync(two.Id, f => f with { Name = one.Name }, None));
        var renamed = await Store.UpdateFnAsync(two.Id, f => f with { Name = "renamed", Image = "new:1", AppId = "ignored" }, None);

        Assert.Equal(ApiErrors.FnAlreadyExists, e.Error);
        Assert.Equal(("renamed", "new:1", app.Id), (renamed.Name, renamed.Image, renamed.AppId));
        Assert.Equal(("renamed", "new:1", app.Id), ((await Store.GetFnAsync(two.Id, None))!.Name, (await Store.GetFnAsync(two.Id, None))!.Image, (await Store.GetFnAsync(two.Id, None))!.AppId));
    }

    [Fact]
    public async Task UpdateFn_Unknown_FnNotFound()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => Store.UpdateFnAsync("nope", f => f, None));

        Assert.Equal(ApiErrors.FnNotFound, e.Error);
    }

    [Fact]
    public async Task RemoveFn_WithTriggers_TriggersRemoved()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var kept = await Store.InsertFnAsync(M.Fn(app), None);
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn), None);
        var keptTrigger = await Store.InsertTriggerAsync(M.Trigger(kept), None);

        Assert.True(await Store.RemoveFnAsync(fn.Id, None));

        Assert.Null(await Store.GetTriggerAsync(trigger.Id, None));
        Assert.NotNull(await Store.GetTriggerAsync(keptTrigger.Id, None));
        Assert.NotNull(await Store.GetAppByIdAsync(app.Id, None));
        Assert.False(await Store.RemoveFnAsync(fn.Id, None));
    }

    [Fact]
    public async Task InsertTrigger_ThenGet_RoundTripsEveryField()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var trigger = M.Trigger(fn, "/ünï/code") with
        {
            Annotations = new Dictionary<string, JsonElement> { ["k"] = JsonDocument.Parse("\"v\"").RootElement },
            CreatedAt = Now,
            UpdatedAt = Now,
        };

        await Store.InsertTriggerAsync(trigger, None);
        var read = await Store.GetTriggerAsync(trigger.Id, None);
        var bySource = await Store.GetTriggerBySourceAsync(app.Id, "http", "/ünï/code", None);

        Assert.NotNull(read);
        Assert.Equal((app.Id, fn.Id, trigger.Name, "http", "/ünï/code", Now), (read.AppId, read.FnId, read.Name, read.Type, read.Source, read.CreatedAt));
        Assert.Equal("v", read.Annotations["k"].GetString());
        Assert.Equal(trigger.Id, bySource?.Id);
        Assert.Null(await Store.GetTriggerBySourceAsync(app.Id, "http", "/other", None));
    }

    [Fact]
    public async Task InsertTrigger_Conflicts_FnsErrors()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var other = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var otherFn = await Store.InsertFnAsync(M.Fn(other), None);
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn), None);

        async Task<ApiError> ErrorOf(Trigger t) => (await Assert.ThrowsAsync<ApiException>(() => Store.InsertTriggerAsync(t, None))).Error;

        Assert.Equal(ApiErrors.AppNotFound, await ErrorOf(M.Trigger(fn) with { AppId = "nope" }));
        Assert.Equal(ApiErrors.FnNotFound, await ErrorOf(M.Trigger(fn) with { FnId = "nope" }));
        Assert.Equal(ApiErrors.TriggerFnNotInApp, await ErrorOf(M.Trigger(otherFn) with { AppId = app.Id }));
        Assert.Equal(ApiErrors.TriggerAlreadyExists, await ErrorOf(M.Trigger(fn) with { Name = trigger.Name }));
        Assert.Equal(ApiErrors.TriggerSourceExists, await ErrorOf(M.Trigger(fn) with { Source = trigger.Source }));
        await Store.InsertTriggerAsync(M.Trigger(otherFn) with { Name = trigger.Name, Source = trigger.Source }, None);
    }

    [Fact]
    public async Task InsertTrigger_EightConcurrentSameSource_ExactlyOneWins()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.InsertTriggerAsync(M.Trigger(fn, "/same"), None);
                return true;
            }
            catch (ApiException e) when (e.Error == ApiErrors.TriggerSourceExists)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task GetTriggers_ByAppAndFn_OnlyThose()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var one = await Store.InsertFnAsync(M.Fn(app), None);
        var two = await Store.InsertFnAsync(M.Fn(app), None);
        var a = await Store.InsertTriggerAsync(M.Trigger(one) with { Name = "b" }, None);
        var b = await Store.InsertTriggerAsync(M.Trigger(one) with { Name = "a" }, None);
        var c = await Store.InsertTriggerAsync(M.Trigger(two) with { Name = "a" }, None);

        var ofApp = await Store.GetTriggersAsync(new ListFilter { AppId = app.Id }, None);
        var ofFn = await Store.GetTriggersAsync(new ListFilter { AppId = app.Id, FnId = one.Id }, None);
        var named = await Store.GetTriggersAsync(new ListFilter { AppId = app.Id, Name = "a" }, None);

        Assert.Equal(new[] { b.Id, c.Id }.Order(StringComparer.Ordinal).Append(a.Id), ofApp.Items.Select(t => t.Id));
        Assert.Equal([b.Id, a.Id], ofFn.Items.Select(t => t.Id));
        Assert.Equal(2, named.Items.Count);
    }

    [Fact]
    public async Task UpdateTrigger_SourceOfAnother_TriggerSourceExists()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var one = await Store.InsertTriggerAsync(M.Trigger(fn), None);
        var two = await Store.InsertTriggerAsync(M.Trigger(fn), None);

        var e = await Assert.ThrowsAsync<ApiException>(() => Store.UpdateTriggerAsync(two.Id, t => t with { Source = one.Source }, None));
        var moved = await Store.UpdateTriggerAsync(two.Id, t => t with { Source = "/moved", FnId = "ignored", Type = "ignored" }, None);

        Assert.Equal(ApiErrors.TriggerSourceExists, e.Error);
        Assert.Equal(("/moved", fn.Id, "http"), (moved.Source, moved.FnId, moved.Type));
        Assert.Equal("/moved", (await Store.GetTriggerAsync(two.Id, None))!.Source);
    }

    [Fact]
    public async Task RemoveTrigger_Twice_TrueThenFalse()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn), None);

        Assert.True(await Store.RemoveTriggerAsync(trigger.Id, None));
        Assert.False(await Store.RemoveTriggerAsync(trigger.Id, None));
        Assert.Equal(ApiErrors.TriggerNotFound, (await Assert.ThrowsAsync<ApiException>(() => Store.UpdateTriggerAsync(trigger.Id, t => t, None))).Error);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("\ud800")]
    [InlineData("x\udc00y")]
    public async Task Lookups_KeyNoStoreCanHold_NotFoundRatherThanFailure(string key)
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var fn = await Store.InsertFnAsync(M.Fn(app), None);

        Assert.Null(await Store.GetAppByIdAsync(key, None));
        Assert.Null(await Store.GetAppByNameAsync(key, None));
        Assert.Null(await Store.GetFnAsync(key, None));
        Assert.Null(await Store.GetTriggerAsync(key, None));
        Assert.Null(await Store.GetTriggerBySourceAsync(app.Id, "http", "/" + key, None));
        Assert.Empty((await Store.GetAppsAsync(new ListFilter { Name = key }, None)).Items);
        Assert.Empty((await Store.GetFnsAsync(new ListFilter { AppId = key }, None)).Items);
        Assert.Empty((await Store.GetTriggersAsync(new ListFilter { AfterName = "a", AfterId = key }, None)).Items);
        Assert.Equal(ApiErrors.AppNotFound, (await Assert.ThrowsAsync<ApiException>(() => Store.UpdateAppAsync(key, a => a, None))).Error);
        Assert.Equal(ApiErrors.FnNotFound, (await Assert.ThrowsAsync<ApiException>(() => Store.UpdateFnAsync(key, f => f, None))).Error);
        Assert.False(await Store.RemoveAppAsync(key, None));
        Assert.False(await Store.RemoveTriggerAsync(key, None));
        Assert.Equal(ApiErrors.AppNotFound, (await Assert.ThrowsAsync<ApiException>(() => Store.InsertFnAsync(M.Fn(app) with { AppId = key }, None))).Error);
        Assert.Equal(ApiErrors.FnNotFound, (await Assert.ThrowsAsync<ApiException>(() => Store.InsertTriggerAsync(M.Trigger(fn) with { FnId = key }, None))).Error);
    }
}
