using System.Diagnostics;
using System.Net;
using FnSharp.Agent.Runner;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary>
/// The trace context a container gets with a call. With spans exported, a call without a client's <c>traceparent</c>
/// carries a sampled one of FnSharp's trace, and a client's <c>traceparent</c> is passed on as one of the client's
/// headers (the HTTP client does not replace a header already there, so the container's spans hang under the
/// client's span, not FnSharp's). With tracing off, nothing is made per request: no <c>traceparent</c> is added.
/// One class, so the exporting server's listener (process-wide, as every <c>ActivityListener</c>) never runs beside
/// the tests with tracing off.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallTracingTests
{
    private const string ClientTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task Invoke_TracingExported_ClientsTraceParentPassedOn()
    {
        // Nothing listens there: the exporter's sends fail, which only the exporter sees.
        var (seen, _) = await CallAsync(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" }, ClientTraceParent);

        Assert.Equal([ClientTraceParent], seen);
    }

    [Fact]
    public async Task Invoke_TracingExportedNoClientTrace_RequestSpanAboveTheDispatchAndItsTraceSentOn()
    {
        // Listens to the agent's source only, and samples nothing itself: the request's span must come from ASP.NET
        // Core's hosting, made because the exporter listens, with the hosting's diagnostics log off.
        var dispatches = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AgentTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "fnsharp.dispatch")
                {
                    lock (dispatches)
                    {
                        dispatches.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var (seen, fnId) = await CallAsync(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" }, clientTraceParent: null);

        Activity dispatch;
        lock (dispatches)
        {
            dispatch = Assert.Single(dispatches, d => fnId.Equals(d.GetTagItem("fn_id")));
        }

        var request = dispatch;
        while (request.Parent is { } parent)
        {
            request = parent;
        }

        Assert.Equal("Microsoft.AspNetCore.Hosting.HttpRequestIn", request.OperationName);
        Assert.True(request.Recorded);
        // The HTTP client's own span (System.Net.Http.HttpRequestOut, a child of the dispatch) is the container's parent.
        var parts = Assert.Single(seen).Split('-');
        Assert.Equal(["00", request.TraceId.ToHexString(), "01"], new[] { parts[0], parts[1], parts[3] });
        Assert.NotEqual(request.SpanId.ToHexString(), parts[2]);
    }

    [Fact]
    public async Task Invoke_TracingOff_ClientsTraceParentPassedAsSent()
    {
        var (seen, _) = await CallAsync([], ClientTraceParent);

        Assert.Equal([ClientTraceParent], seen);
    }

    [Fact]
    public async Task Invoke_TracingOffNoClientTrace_NoTraceParentAdded()
    {
        var (seen, _) = await CallAsync([], clientTraceParent: null);

        Assert.Empty(seen);
    }

    /// <summary>Makes one call through a server with <paramref name="settings"/>; returns the <c>traceparent</c> values its container got, and the fn's id.</summary>
    private static async Task<(string[] Seen, string FnId)> CallAsync(Dictionary<string, string> settings, string? clientTraceParent)
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        foreach (var (name, value) in settings)
        {
            server.Settings[name] = value;
        }

        string[]? seen = null;
        driver.Handler = async context =>
        {
            seen = [.. context.Request.Headers["traceparent"].OfType<string>()];
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("ok");
        };
        using var http = server.CreateClient();
        var client = new FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "traced" });
        var fn = await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fnsharp/test:1" });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/invoke/{fn.Id}", UriKind.Relative)) { Content = new StringContent("") };
        if (clientTraceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", clientTraceParent);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (Assert.IsType<string[]>(seen), fn.Id);
    }
}
