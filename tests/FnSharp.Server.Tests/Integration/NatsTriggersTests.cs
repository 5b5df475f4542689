using System.Text;
using FnSharp.Core.Models;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Detached;
using FnSharp.Server.Tests.Triggers;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using FnSharp.Testing.Nats;
using FnSharp.Testing.Storage;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.JetStream;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Nats triggers on a real nats-server with JetStream (<c>FNSHARP_TEST_NATS</c>, started by
/// <c>scripts/test.sh</c>) and the real server pipeline, store and queue of detached calls, with fake
/// containers and fake clocks: messages become calls, survive a node that is down, are shared by two
/// nodes on one PostgreSQL each once, and a deleted or changed trigger's consumer goes. Each test awaits
/// the listener's events (<see cref="NatsEvents"/>), never a sleep.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class NatsTriggersTests : IAsyncLifetime
{
    private readonly List<DetachedCallHarness> _nodes = [];
    private NatsTestServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsTestServer.ConnectAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task Messages_BecomeCallsRunWithThePayloadAsBody()
    {
        var (node, events) = Node();
        var bodies = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Body, string ContentType, string Subject)>();
        node.Driver.Handler = async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            bodies[context.Request.Headers["Fn-Call-Id"].ToString()] = (body, context.Request.ContentType ?? "", context.Request.Headers[NatsMessageCall.SubjectHeader].ToString());
            context.Response.StatusCode = 200;
        };
        var (appId, fnId) = await node.CreateFnAsync("app", "fn");
        var subject = _nats.Subject("orders.created");
        await CreateTriggerAsync(node, appId, fnId, subject);
        await events.NextSubscribedAsync();

        await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes("""{"order":1}"""), "application/json");
        await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes("plain"));
        var stored = new[] { await events.NextStoredAsync(), await events.NextStoredAsync() };
        foreach (var (_, callId, _) in stored)
        {
            Assert.Equal(DetachedSettlement.Completed, (await node.NextAttemptAsync(callId)).Settlement);
        }

        var calls = await Task.WhenAll(stored.Select(s => node.GetCallAsync(fnId, s.CallId)));
        Assert.All(calls, c => Assert.Equal((CallTypes.Detached, CallStates.Success, appId), (c.Type, c.Status, c.AppId)));
        Assert.Equal(("""{"order":1}""", "application/json", subject), bodies[stored[0].CallId]);
        Assert.Equal(("plain", NatsMessageCall.DefaultContentType, subject), bodies[stored[1].CallId]);
        Assert.All(stored, s => Assert.False(s.Duplicate));
    }

    [Fact]
    public async Task MessagesPublishedWhileTheNodeIsDown_CalledAfterItRestarts()
    {
        var (first, firstEvents) = Node(worker: false);
        var dataDirectory = first.DataDirectory;
        var (appId, fnId) = await first.CreateFnAsync("app", "fn");
        var subject = _nats.Subject("jobs");
        var triggerId = await CreateTriggerAsync(first, appId, fnId, subject);
        var (_, stream, consumer) = await firstEvents.NextSubscribedAsync();
        await first.DisposeAsync();
        _nodes.Remove(first);

        var published = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            published.Add($"job {i}");
            await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes($"job {i}"));
        }

        var waiting = await _nats.JetStream.GetConsumerAsync(stream, consumer);
        var (second, secondEvents) = Node(dataDirectory: dataDirectory, worker: false);
        second.Start();
        var stored = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (storedTrigger, callId, _) = await secondEvents.NextStoredAsync();
            Assert.Equal(triggerId, storedTrigger);
            stored.Add(callId);
        }

        // Every call stored with its message as body, by stream sequence in the order published (worker off: they stay queued).
        var claimed = await second.Calls.ClaimCallsAsync("reader", second.Time.GetUtcNow(), TimeSpan.FromMinutes(1), 100, CancellationToken.None);
        Assert.Equal((ulong)5, waiting.Info.NumPending);
        Assert.Equal(stored.Order(StringComparer.Ordinal), claimed.Select(c => c.Call.Id).Order(StringComparer.Ordinal));
        Assert.Equal(published, claimed.OrderBy(c => ulong.Parse(c.Payload.Headers.Single(h => h.Key == NatsMessageCall.SequenceHeader).Value, System.Globalization.CultureInfo.InvariantCulture)).Select(c => Encoding.UTF8.GetString(c.Payload.Body)));
    }

    [Fact]
    public async Task TwoNodesOnPostgres_ShareTheTriggersMessages_EachCalledOnce()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var both = new NatsEvents();
        var (a, aEvents) = Node(dbUrl: database.Url, worker: false, also: both);
        var (b, bEvents) = Node(dbUrl: database.Url, worker: false, also: both);
        var (appId, fnId) = await a.CreateFnAsync("app", "fn");
        var subject = _nats.Subject("shared");
        await CreateTriggerAsync(a, appId, fnId, subject);
        b.Start();
        b.Services.GetRequiredService<NatsTriggerListener>().Wake();
        var (_, streamA, consumerA) = await aEvents.NextSubscribedAsync();
        var (_, streamB, consumerB) = await bEvents.NextSubscribedAsync();

        const int Count = 40;
        for (var i = 0; i < Count; i++)
        {
            await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes($"message {i}"));
        }

        // Both nodes read the one durable consumer; each message is stored by one of them.
        var stored = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            stored.Add((await both.NextStoredAsync()).CallId);
        }

        var claimed = await a.Calls.ClaimCallsAsync("reader", a.Time.GetUtcNow(), TimeSpan.FromMinutes(1), 100, CancellationToken.None);
        Assert.Equal((streamA, consumerA), (streamB, consumerB));
        Assert.Equal(Count, stored.Distinct().Count());
        Assert.Equal(Count, aEvents.StoredCount + bEvents.StoredCount);
        Assert.Equal(stored.Order(StringComparer.Ordinal), claimed.Select(c => c.Call.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"message {i}").Order(StringComparer.Ordinal), claimed.Select(c => Encoding.UTF8.GetString(c.Payload.Body)).Order(StringComparer.Ordinal));
        Assert.All(claimed, c => Assert.Equal(fnId, c.Call.FnId));
    }

    [Fact]
    public async Task ChangeSourceThenDelete_ResubscribedThenConsumerRemoved()
    {
        var (node, events) = Node(worker: false);
        var (appId, fnId) = await node.CreateFnAsync("app", "fn");
        var oldSubject = _nats.Subject("before");
        var newSubject = _nats.Subject("after");
        var triggerId = await CreateTriggerAsync(node, appId, fnId, oldSubject);
        var (_, oldStream, oldConsumer) = await events.NextSubscribedAsync();

        using (var put = await node.Http.PutAsync(new Uri("/v2/triggers/" + triggerId, UriKind.Relative), new StringContent($$"""{"source":"{{newSubject}}"}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var removedOld = await events.NextRemovedAsync();
        var (_, newStream, newConsumer) = await events.NextSubscribedAsync();
        await _nats.PublishAsync(newSubject, Encoding.UTF8.GetBytes("after the change"));
        var stored = await events.NextStoredAsync();
        using (var delete = await node.Http.DeleteAsync(new Uri("/v2/triggers/" + triggerId, UriKind.Relative)))
        {
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        }

        var removedNew = await events.NextRemovedAsync();

        Assert.Equal((oldStream, oldConsumer), removedOld);
        Assert.NotEqual(oldConsumer, newConsumer);
        Assert.Equal(triggerId, stored.TriggerId);
        Assert.Equal((newStream, newConsumer), removedNew);
        Assert.Equal(404, (await Assert.ThrowsAsync<NatsJSApiException>(() => _nats.JetStream.GetConsumerAsync(oldStream, oldConsumer).AsTask())).Error.Code);
        Assert.Equal(404, (await Assert.ThrowsAsync<NatsJSApiException>(() => _nats.JetStream.GetConsumerAsync(newStream, newConsumer).AsTask())).Error.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallNotStoredOrAnswerLost_MessageNotAcknowledged_ComesAgainAndMakesOneCall(bool storeThenFail)
    {
        var (node, events) = Node(worker: false, services: services => FailingEnqueueCallStore.Register(services, storeThenFail));
        var (appId, fnId) = await node.CreateFnAsync("app", "fn");
        var subject = _nats.Subject("flaky");
        await CreateTriggerAsync(node, appId, fnId, subject);
        await events.NextSubscribedAsync();
        var store = (FailingEnqueueCallStore)node.Calls;

        await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes("once"));
        var (_, callId, duplicate) = await events.NextStoredAsync();

        // The first attempt failed, so the message was not acknowledged and came again (after 1 s).
        var claimed = await node.Calls.ClaimCallsAsync("reader", node.Time.GetUtcNow(), TimeSpan.FromMinutes(1), 100, CancellationToken.None);
        Assert.Equal(storeThenFail ? 1 : 2, store.Enqueues);
        Assert.Equal(storeThenFail, duplicate);
        Assert.Equal(callId, Assert.Single(claimed).Call.Id);
        Assert.Equal("once", Encoding.UTF8.GetString(claimed[0].Payload.Body));
        Assert.Equal(1, events.StoredCount);
    }

    private (DetachedCallHarness Node, NatsEvents Events) Node(string? dataDirectory = null, string? dbUrl = null, bool worker = true, NatsEvents? also = null, Action<IServiceCollection>? services = null)
    {
        var events = new NatsEvents();
        var settings = new Dictionary<string, string> { ["FN_NATS_URL"] = _nats.Url, ["FN_CRON_POLL_MSECS"] = "0" };
        if (!worker)
        {
            settings["FN_ASYNC_MAX_CONCURRENT"] = "0";
        }

        var node = new DetachedCallHarness(settings, dataDirectory: dataDirectory) 
        {
            TestServices = registrations =>
            {
                registrations.AddSingleton<INatsTriggerObserver>(events);
                if (also is not null)
                {
                    registrations.AddSingleton<INatsTriggerObserver>(also);
                }

                services?.Invoke(registrations);
            },
        };
        if (dbUrl is not null)
        {
            node.DbUrl = dbUrl;
        }

        _nodes.Add(node);
        return (node, events);
    }

    private static async Task<string> CreateTriggerAsync(DetachedCallHarness node, string appId, string fnId, string subject) =>
        (await node.PostJsonAsync("/v2/triggers", $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"on-message","type":"nats","source":"{{subject}}"}""")).GetProperty("id").GetString()!;
}
