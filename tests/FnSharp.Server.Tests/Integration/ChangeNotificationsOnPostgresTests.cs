using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Server.Cluster;
using FnSharp.Storage.Postgres;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Two nodes on one real PostgreSQL: a change made through one node reaches the other's lookup cache
/// through the store's notifications, also after the listening connection broke, and the API answers a
/// change only once the other node has seen it, and a fn or app deleted through one node has its containers on the
/// other removed at once. Fake containers that answer with the config they were
/// started with; each notification, subscription and first heartbeat is awaited.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ChangeNotificationsOnPostgresTests : IAsyncLifetime
{
    private readonly Node _a = new();
    private readonly Node _b = new();
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        foreach (var node in new[] { _a, _b })
        {
            node.Server.DbUrl = _database.Url;
            node.Server.Start();
            await node.NextSubscriptionAsync();
            await node.NextBeatAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task FnUpdatedThroughA_BHearsOfTheChange()
    {
        var fn = await CreateFnAsync("v1");

        await _a.Server.CreateFnClient().UpdateFnAsync(fn with { Config = new Dictionary<string, string> { ["GREETING"] = "v2" } });

        await _b.NextChangeAsync("fns");
    }

    [Fact]
    public async Task FnUpdatedThroughA_CallThroughBRightAfterTheAnswerSeesIt()
    {
        var fn = await CreateFnAsync("v0");
        var client = _a.Server.CreateFnClient();
        var seen = new List<string>();

        // A's answer comes only once B acknowledged the change, so B's next lookup reads the store.
        for (var round = 1; round <= 20; round++)
        {
            seen.Add(await _b.InvokeAsync(fn.Id));
            await client.UpdateFnAsync(fn with { Config = new Dictionary<string, string> { ["GREETING"] = $"v{round}" } });
        }

        seen.Add(await _b.InvokeAsync(fn.Id));

        Assert.Equal(Enumerable.Range(0, 21).Select(r => $"v{r}"), seen);
    }

    [Fact]
    public async Task ListeningConnectionBroken_SubscribedAgainAndChangesSeen()
    {
        var fn = await CreateFnAsync("v1");
        var before = await _b.InvokeAsync(fn.Id);

        // Both nodes' listening connections end, as at a database restart.
        await using (var admin = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_database.Url)))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'fnsharp-change-feed' AND datname = current_database()", admin);
            Assert.Equal(2L, await kill.ExecuteScalarAsync());
        }

        await _b.NextSubscriptionAsync();
        await _a.Server.CreateFnClient().UpdateFnAsync(fn with { Config = new Dictionary<string, string> { ["GREETING"] = "v2" } });
        await _b.NextChangeAsync("fns");
        var after = await _b.InvokeAsync(fn.Id);

        Assert.Equal(("v1", "v2"), (before, after));
    }

    [Fact]
    public async Task FnDeletedThroughA_BRemovesItsHotContainerAtOnce()
    {
        // An idle timeout of an hour: only the removal can end B's container within the test.
        var fn = await CreateFnAsync("v1", idleTimeoutSeconds: 3600);
        await _b.InvokeAsync(fn.Id);
        var hotOnB = _b.Driver.LiveCountOf(fn.Id);

        await _a.Server.CreateFnClient().DeleteFnAsync(fn.Id);
        await _b.NextRemovalAsync(fn.Id);
        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, hotOnB);
    }

    [Fact]
    public async Task AppDeletedThroughA_BRemovesItsFnsHotContainersAtOnce()
    {
        var fn = await CreateFnAsync("v1", idleTimeoutSeconds: 3600);
        await _b.InvokeAsync(fn.Id);

        await _a.Server.CreateFnClient().DeleteAppAsync(fn.AppId);
        await _b.NextRemovalAsync(fn.AppId);
        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task MinHotFnCreatedThroughA_BKeepsItsContainerHot()
    {
        var fn = await CreateFnAsync("v1", minHot: 1);

        await _b.NextUpdateAsync(fn.Id);
        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("v1", await _b.InvokeAsync(fn.Id));
    }

    [Fact]
    public async Task MinHotFnChangedThroughA_BReplacesItsKeptContainerAndLetsItGoAtZero()
    {
        // At min-hot 0 the kept container idles out as any other: after its idle_timeout, here 1 s, well inside the
        // wait below (with the default 30 s of CreateFnAsync the idle-out raced the 30 s wait).
        var fn = await CreateFnAsync("v1", idleTimeoutSeconds: 1, minHot: 1);
        await _b.NextUpdateAsync(fn.Id);
        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1).WaitAsync(TimeSpan.FromSeconds(30));
        var client = _a.Server.CreateFnClient();

        await client.UpdateFnAsync(fn with { Config = new Dictionary<string, string> { ["GREETING"] = "v2" } });
        await _b.NextUpdateAsync(fn.Id);
        // The old configuration's container goes and one of the new is kept hot.
        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1 && d.Containers.All(c => c.Spec.FnId != fn.Id || c.Spec.Environment["GREETING"] == "v2")).WaitAsync(TimeSpan.FromSeconds(30));
        await client.UpdateFnAsync(fn with { Config = new Dictionary<string, string> { ["GREETING"] = "v2" }, Annotations = MinHot(0) });
        await _b.NextUpdateAsync(fn.Id);

        await _b.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static Dictionary<string, JsonElement> MinHot(int count) => new() { ["fnsharp.io/min-hot"] = JsonSerializer.SerializeToElement(count) };

    private async Task<Fn> CreateFnAsync(string greeting, int idleTimeoutSeconds = 30, int minHot = 0)
    {
        var client = _a.Server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "app" });
        return await client.CreateFnAsync(new Fn { AppId = app.Id, Name = "fn", Image = "fnsharp/test:1", IdleTimeout = idleTimeoutSeconds, Config = new Dictionary<string, string> { ["GREETING"] = greeting }, Annotations = MinHot(minHot) });
    }

    /// <summary>One node: a server whose fake containers answer with their GREETING, and its listener's events as channels.</summary>
    private sealed class Node : IAsyncDisposable
    {
        // Written by the listener's hooks, read by the test; a test sees a handful of events.
        private readonly Channel<string> _changes = Channel.CreateUnbounded<string>();
        private readonly Channel<int> _subscriptions = Channel.CreateUnbounded<int>();
        private readonly Channel<int> _beats = Channel.CreateUnbounded<int>();
        private readonly Channel<string> _removals = Channel.CreateUnbounded<string>();
        private readonly Channel<string> _updates = Channel.CreateUnbounded<string>();
        private readonly FakeContainerDriver _driver = new();

        public Node()
        {
            _driver.Handler = context => context.Response.WriteAsync(FakeContainer.Of(context).Spec.Environment["GREETING"]);
            Server = new FnSharpServerFactory(_driver);
            Server.TestServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton(sp =>
                {
                    var listener = ActivatorUtilities.CreateInstance<StoreChangeListener>(sp);
                    listener.Subscribed = () => _subscriptions.Writer.TryWrite(0);
                    listener.Changed = table => _changes.Writer.TryWrite(table);
                    listener.Removal = id => _removals.Writer.TryWrite(id);
                    listener.Update = id => _updates.Writer.TryWrite(id);
                    return listener;
                }));
                services.Replace(ServiceDescriptor.Singleton(sp =>
                {
                    var heartbeat = ActivatorUtilities.CreateInstance<NodeHeartbeat>(sp);
                    heartbeat.Beat = () => _beats.Writer.TryWrite(0);
                    return heartbeat;
                }));
            };
        }

        public FnSharpServerFactory Server { get; }

        public FakeContainerDriver Driver => _driver;

        // Failsafes against a hung test, not timing assertions.
        public async Task NextSubscriptionAsync() => await _subscriptions.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        public async Task NextBeatAsync() => await _beats.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        public async Task NextChangeAsync(string table)
        {
            while (await _changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)) != table)
            {
            }
        }

        public async Task NextRemovalAsync(string id)
        {
            while (await _removals.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)) != id)
            {
            }
        }

        public async Task NextUpdateAsync(string id)
        {
            while (await _updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)) != id)
            {
            }
        }

        public async Task<string> InvokeAsync(string fnId)
        {
            using var http = Server.CreateClient();
            using var response = await http.PostAsync(new Uri($"/invoke/{fnId}", UriKind.Relative), new StringContent("", Encoding.UTF8, "text/plain"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return body;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await _driver.DisposeAsync();
        }
    }
}
