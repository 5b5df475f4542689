using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Triggers;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Nats;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// A nats trigger end to end: a message on a real nats-server (<c>FNSHARP_TEST_NATS</c>) runs
/// <c>fnsharp/testfn:latest</c> on the real Docker engine as a detached call whose body is the message,
/// seen in the call's record and log.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class NatsTriggersOnDockerTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly NatsEvents _events = new();

    // Written by the worker (one attempt each), read by the test; unbounded: a handful of attempts.
    private readonly Channel<DetachedAttempt> _attempts = Channel.CreateUnbounded<DetachedAttempt>();
    private NatsTestServer _nats = null!;

    public async Task InitializeAsync()
    {
        _nats = await NatsTestServer.ConnectAsync();
        _server.Settings["FN_NATS_URL"] = _nats.Url;

        // A generous wait for the engine's log stream on a loaded machine.
        _server.Settings["FN_CALL_LOG_WAIT_MSECS"] = "1000";
        _server.TestServices = services =>
        {
            services.AddSingleton<INatsTriggerObserver>(_events);
            services.AddSingleton<IDetachedCallObserver>(new AttemptWriter(_attempts.Writer));
        };
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task Message_RunsTheFnWithThePayloadAsBody_RecordAndLog()
    {
        using var http = _server.CreateClient();
        var appId = await IdOfAsync(http, "/v2/apps", """{"name":"nats-docker"}""");
        var fnId = await IdOfAsync(http, "/v2/fns", $$"""{"app_id":"{{appId}}","name":"on-order","image":"fnsharp/testfn:latest"}""");
        var subject = _nats.Subject("orders");
        await IdOfAsync(http, "/v2/triggers", $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"orders","type":"nats","source":"{{subject}}"}""");
        await _events.NextSubscribedAsync();

        await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes("""{"stdout":["order 42 received"],"body":"ok"}"""), "application/json");
        var (_, callId, _) = await _events.NextStoredAsync();
        var attempt = await _attempts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        using var record = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}", UriKind.Relative)));
        var log = await http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}/log", UriKind.Relative));

        Assert.Equal((callId, DetachedSettlement.Completed), (attempt.CallId, attempt.Settlement));
        var root = record.RootElement;
        Assert.Equal(("detached", "success", 200), (root.GetProperty("type").GetString(), root.GetProperty("status").GetString(), root.GetProperty("status_code").GetInt32()));
        Assert.Equal("order 42 received\n", log);
    }

    private static async Task<string> IdOfAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private sealed class AttemptWriter(ChannelWriter<DetachedAttempt> writer) : IDetachedCallObserver
    {
        public void AttemptSettled(DetachedAttempt attempt) => writer.TryWrite(attempt);
    }
}
