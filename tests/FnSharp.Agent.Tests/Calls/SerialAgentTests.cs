using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Calls;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SerialAgentTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
    private readonly SerialAgent _agent;
    private readonly App _app = Models.App();

    public SerialAgentTests()
    {
        _agent = new SerialAgent(_driver, _clock, NullLogger<SerialAgent>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_TwoSequentialCalls_OneContainerServesBoth()
    {
        var fn = Models.Fn(_app);

        var first = await CallAsync(fn, "one");
        var second = await CallAsync(fn, "two");

        Assert.Equal((CallStatus.Success, "one"), first);
        Assert.Equal((CallStatus.Success, "two"), second);
        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_TwoFns_OneContainerEach()
    {
        await CallAsync(Models.Fn(_app), "a");
        await CallAsync(Models.Fn(_app), "b");

        Assert.Equal(2, _driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_NewContainer_GetsFnEnvironmentAndMemory()
    {
        var app = _app with { Config = new Dictionary<string, string> { ["SHARED"] = "app", ["ONLY_APP"] = "1" } };
        var fn = Models.Fn(app) with { Memory = 256, Config = new Dictionary<string, string> { ["SHARED"] = "fn" } };

        await CallAsync(fn, "x", app);

        var spec = Assert.Single(_driver.Created);
        Assert.Equal(256, spec.MemoryMiB);
        Assert.Equal(fn.Image, spec.Image);
        Assert.Equal("fn", spec.Environment["SHARED"]);
        Assert.Equal("1", spec.Environment["ONLY_APP"]);
        Assert.Equal("unix:/tmp/iofs/lsnr.sock", spec.Environment["FN_LISTENER"]);
        Assert.Equal("http-stream", spec.Environment["FN_FORMAT"]);
        Assert.Equal("sync", spec.Environment["FN_TYPE"]);
        Assert.Equal("256", spec.Environment["FN_MEMORY"]);
        Assert.Equal(fn.Id, spec.Environment["FN_FN_ID"]);
        Assert.Equal(app.Id, spec.Environment["FN_APP_ID"]);
        Assert.Equal(fn.Name, spec.Environment["FN_FN_NAME"]);
        Assert.Equal(app.Name, spec.Environment["FN_APP_NAME"]);
    }

    [Theory]
    [InlineData(ContainerStartError.ImageNotFound, CallStatus.ImageNotFound, 502)]
    [InlineData(ContainerStartError.InitFailed, CallStatus.ContainerInitFailed, 502)]
    [InlineData(ContainerStartError.InitTimedOut, CallStatus.ContainerInitTimedOut, 504)]
    public async Task SubmitAsync_ContainerCannotStart_TypedFailureAndNoContainerLeft(ContainerStartError error, CallStatus expected, int status)
    {
        _driver.StartFailure = error;

        await using var result = await _agent.SubmitAsync(Request(Models.Fn(_app), "x"), CancellationToken.None);

        Assert.Equal(expected, result.Status);
        Assert.Equal(status, result.Error!.Status);
        Assert.Equal(0, _driver.LiveCount);
    }

    [Fact]
    public async Task SubmitAsync_FunctionAnswers502_FunctionFailedAndContainerKept()
    {
        _driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        var fn = Models.Fn(_app);

        var first = await CallAsync(fn, "x");
        var second = await CallAsync(fn, "x");

        Assert.Equal(CallStatus.FunctionFailed, first.Status);
        Assert.Equal(CallStatus.FunctionFailed, second.Status);
        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_FunctionAnswersUnexpectedStatus_InvalidResponseAndContainerReplaced()
    {
        _driver.Handler = context =>
        {
            context.Response.StatusCode = 418;
            return Task.CompletedTask;
        };
        var fn = Models.Fn(_app);

        var first = await CallAsync(fn, "x");
        Assert.Equal(0, _driver.LiveCount);
        await CallAsync(fn, "x");

        Assert.Equal(CallStatus.InvalidResponse, first.Status);
        Assert.Equal(2, _driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_CallOutlivesTimeout_TimedOutAndContainerKilled()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Handler = async context =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        var fn = Models.Fn(_app, timeoutSeconds: 5);

        var call = _agent.SubmitAsync(Request(fn, "x"), CancellationToken.None);
        await entered.Task;
        _clock.Advance(TimeSpan.FromSeconds(5));
        await using var result = await call;

        Assert.Equal(CallStatus.TimedOut, result.Status);
        Assert.Equal(504, result.Error!.Status);
        Assert.Equal(0, _driver.LiveCount);
    }

    [Fact]
    public async Task SubmitAsync_CallReachesContainer_WithCallIdDeadlineAndClientHeaders()
    {
        Dictionary<string, string>? seen = null;
        _driver.Handler = context =>
        {
            // Kestrel reuses its header collections once the request ends: copy them.
            seen = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var fn = Models.Fn(_app, timeoutSeconds: 7);
        var request = Request(fn, "x") with { Headers = [new("X-Custom", "yes"), new("Connection", "keep-alive"), new("Keep-Alive", "timeout=5")] };

        await using (await _agent.SubmitAsync(request, CancellationToken.None))
        {
        }

        Assert.NotNull(seen);
        Assert.Equal(request.CallId, seen["Fn-Call-Id"]);
        Assert.Equal("2026-11-30T10:00:07.000Z", seen["Fn-Deadline"]);
        Assert.Equal("yes", seen["X-Custom"]);
        Assert.False(seen.ContainsKey("Keep-Alive"));
    }

    [Fact]
    public async Task DisposeAsync_ContainersRunning_AllRemoved()
    {
        await CallAsync(Models.Fn(_app), "a");
        await CallAsync(Models.Fn(_app), "b");

        await _agent.DisposeAsync();

        Assert.Equal(2, _driver.CreatedCount);
        Assert.Equal(0, _driver.LiveCount);
    }

    private async Task<(CallStatus Status, string? Body)> CallAsync(Fn fn, string body, App? app = null)
    {
        await using var result = await _agent.SubmitAsync(Request(fn, body, app), CancellationToken.None);
        return (result.Status, result.Response is { } response ? await response.Content.ReadAsStringAsync() : null);
    }

    private CallRequest Request(Fn fn, string body, App? app = null) => new()
    {
        CallId = Guid.NewGuid().ToString("N"),
        App = app ?? _app,
        Fn = fn,
        Body = new MemoryStream(Encoding.UTF8.GetBytes(body)),
        ContentLength = Encoding.UTF8.GetByteCount(body),
    };
}
