using System.Net;
using System.Text.Json;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Calls;
using FnSharp.Storage.Sqlite;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Detached;

/// <summary>Detached calls through the real HTTP pipeline: acceptance, the worker, retries, dead letters and re-drives.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DetachedCallTests : IAsyncLifetime
{
    private DetachedCallHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Invoke_Detached_202ThenRunsToSuccess()
    {
        Dictionary<string, string>? seen = null;
        string? seenBody = null;
        _h.Driver.Handler = async context =>
        {
            seen = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            seenBody = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("answer nobody reads");
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var callId = await _h.InvokeDetachedAsync(fnId, "the payload");
        var attempt = await _h.NextAttemptAsync(callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), attempt);
        var call = await _h.GetCallAsync(fnId, callId);
        Assert.Equal((CallTypes.Detached, CallStates.Success, 200, 1, false), (call.Type, call.Status, call.StatusCode, call.Attempts, call.DeadLetter));
        Assert.NotNull(call.CompletedAt);
        Assert.Equal("the payload", seenBody);
        Assert.Equal(callId, seen!["Fn-Call-Id"]);
        Assert.Equal("detached", seen["Fn-Invoke-Type"]);
    }

    [Fact]
    public async Task Invoke_DetachedBeyondConcurrency_StaysQueuedUntilASlotFrees()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_ASYNC_MAX_CONCURRENT"] = "1" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var first = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        var second = await _h.InvokeDetachedAsync(fnId);
        var whileBusy = (await _h.GetCallAsync(fnId, first), await _h.GetCallAsync(fnId, second));
        release.SetResult();

        Assert.Equal((CallStates.Running, 1), (whileBusy.Item1.Status, whileBusy.Item1.Attempts));
        Assert.Equal((CallStates.Queued, 0), (whileBusy.Item2.Status, whileBusy.Item2.Attempts));
        Assert.Equal(DetachedSettlement.Completed, (await _h.NextAttemptAsync(first)).Settlement);
        Assert.Equal(DetachedSettlement.Completed, (await _h.NextAttemptAsync(second)).Settlement);
        Assert.Equal(CallStates.Success, (await _h.GetCallAsync(fnId, second)).Status);
    }

    [Fact]
    public async Task Invoke_UnknownFn_404NeverAccepted()
    {
        using var response = await _h.InvokeAsync("/invoke/01JUNKNOWNFN0000000000000", "x");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"Fn not found"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("later")]
    [InlineData("async")]
    public async Task Invoke_UnknownInvokeType_400NamingTheValues(string invokeType)
    {
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        using var response = await _h.InvokeAsync($"/invoke/{fnId}", "x", invokeType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($$"""{"message":"Invalid Fn-Invoke-Type '{{invokeType}}': use 'sync' (the default) or 'detached'"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _h.Driver.CallCount);
    }

    [Fact]
    public async Task Invoke_SyncInAnyCase_RunsSynchronously()
    {
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        using var response = await _h.InvokeAsync($"/invoke/{fnId}", "echoed", "SYNC");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("echoed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_CallRecordsOff_DetachedCallKeepsItsRecordSyncCallHasNone()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_CALL_RECORDS"] = "false" });
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var detachedId = await _h.InvokeDetachedAsync(fnId);
        await _h.NextAttemptAsync(detachedId);
        using var sync = await _h.InvokeAsync($"/invoke/{fnId}", "sync", invokeType: null);
        await _h.Services.GetRequiredService<CallRecorder>().FlushAsync();

        var detached = await _h.GetCallAsync(fnId, detachedId);
        Assert.Equal((CallTypes.Detached, CallStates.Success), (detached.Type, detached.Status));
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Null(await _h.Calls.GetCallAsync(fnId, sync.Headers.GetValues("Fn-Call-Id").Single(), CancellationToken.None));
    }

    [Fact]
    public async Task Invoke_DetachedOverTheRequestSize_413()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_MAX_REQUEST_SIZE"] = "200" });
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        using var response = await _h.InvokeAsync($"/invoke/{fnId}", new string('x', 201));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("""{"message":"Content-Length too large for this server, 201 > max 200"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _h.Driver.CallCount);
    }

    [Fact]
    public async Task Invoke_DetachedChunkedOverTheRequestSize_413WithFnsMessageNothingStored()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_MAX_REQUEST_SIZE"] = "200" });
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/invoke/{fnId}", UriKind.Relative))
        {
            Content = new StreamContent(new MemoryStream(new byte[201])),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Fn-Invoke-Type", "detached");

        using var response = await _h.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("""{"message":"Content-Length too large for this server, 201 > max 200"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty((await _h.Calls.GetCallsAsync(new CallFilter { FnId = fnId }, CancellationToken.None)).Items);
        Assert.Equal(0, _h.Driver.CallCount);
    }

    [Fact]
    public async Task Trigger_DetachedHeader_202AndTriggerHeadersSent()
    {
        Dictionary<string, string>? seen = null;
        _h.Driver.Handler = context =>
        {
            seen = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var (appId, fnId) = await _h.CreateFnAsync("shop", "orders");
        await _h.PostJsonAsync("/v2/triggers", $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"t","type":"http","source":"/orders"}""");

        using var response = await _h.InvokeAsync("/t/shop/orders?x=1", "{}", "Detached", HttpMethod.Put);
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();
        var attempt = await _h.NextAttemptAsync(callId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(DetachedSettlement.Completed, attempt.Settlement);
        Assert.Equal("PUT", seen!["Fn-Http-Method"]);
        Assert.Equal("http://localhost/t/shop/orders?x=1", seen["Fn-Http-Request-Url"]);
        Assert.Equal("httprequest", seen["Fn-Intent"]);
        Assert.Equal("Detached", seen["Fn-Http-H-Fn-Invoke-Type"]);
    }

    [Fact]
    public async Task Trigger_DetachedAnnotation_202WithoutHeader_SyncHeaderOverrides()
    {
        var (appId, fnId) = await _h.CreateFnAsync("hooks", "hook");
        await _h.PostJsonAsync("/v2/triggers", $$$"""{"app_id":"{{{appId}}}","fn_id":"{{{fnId}}}","name":"t","type":"http","source":"/in","annotations":{"fnsharp.io/invoke-type":"detached"}}""");

        using var detached = await _h.InvokeAsync("/t/hooks/in", "queued", invokeType: null);
        var callId = detached.Headers.GetValues("Fn-Call-Id").Single();
        var attempt = await _h.NextAttemptAsync(callId);
        using var sync = await _h.InvokeAsync("/t/hooks/in", "now", "sync");

        Assert.Equal(HttpStatusCode.Accepted, detached.StatusCode);
        Assert.Equal(DetachedSettlement.Completed, attempt.Settlement);
        Assert.Equal((HttpStatusCode.OK, "now"), (sync.StatusCode, await sync.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task FunctionFailure_TwoRetriesAllowed_ThreeAttemptsWithBackoffThenDeadLetter()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "flaky", ""","annotations":{"fnsharp.io/async-retries":2}""");
        var accepted = _h.Time.GetUtcNow();

        var callId = await _h.InvokeDetachedAsync(fnId);
        var first = await _h.NextAttemptAsync(callId);
        var afterFirst = await _h.GetCallAsync(fnId, callId);
        _h.Advance(TimeSpan.FromSeconds(1));
        var second = await _h.NextAttemptAsync(callId);
        var afterSecond = await _h.GetCallAsync(fnId, callId);
        _h.Advance(TimeSpan.FromSeconds(2));
        var third = await _h.NextAttemptAsync(callId);
        var dead = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Retried, CallStatus.FunctionFailed), first);
        Assert.Equal((CallStates.Queued, 1, "function failed"), (afterFirst.Status, afterFirst.Attempts, afterFirst.Error));
        Assert.InRange(afterFirst.NextAttemptAt!.Value, accepted.AddMilliseconds(500), accepted.AddMilliseconds(1000));
        Assert.Equal(DetachedSettlement.Retried, second.Settlement);
        Assert.Equal((CallStates.Queued, 2), (afterSecond.Status, afterSecond.Attempts));
        Assert.InRange(afterSecond.NextAttemptAt!.Value, accepted.AddMilliseconds(2000), accepted.AddMilliseconds(3000));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, CallStatus.FunctionFailed), third);
        Assert.Equal((CallStates.Error, 502, "function failed", 3, true), (dead.Status, dead.StatusCode, dead.Error, dead.Attempts, dead.DeadLetter));
        Assert.Equal(3, _h.Driver.CallCount);
    }

    [Fact]
    public async Task FunctionFailure_NoRetriesAnnotation_DeadLetterAtOnce()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 504;
            return Task.CompletedTask;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "slow");

        var callId = await _h.InvokeDetachedAsync(fnId);
        var attempt = await _h.NextAttemptAsync(callId);
        var dead = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, CallStatus.TimedOut), attempt);
        Assert.Equal((CallStates.Timeout, 504, 1, true), (dead.Status, dead.StatusCode, dead.Attempts, dead.DeadLetter));
    }

    [Fact]
    public async Task PlatformFault_ContainerStartFails_RequeuedWithBackoffThenSucceeds()
    {
        _h.Driver.StartFailure = FnSharp.Agent.Drivers.ContainerStartError.InitFailed;
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var accepted = _h.Time.GetUtcNow();

        var callId = await _h.InvokeDetachedAsync(fnId);
        var first = await _h.NextAttemptAsync(callId);
        var queued = await _h.GetCallAsync(fnId, callId);
        _h.Driver.StartFailure = null;
        _h.Advance(TimeSpan.FromSeconds(1));
        var second = await _h.NextAttemptAsync(callId);
        var done = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Retried, CallStatus.ContainerInitFailed), first);
        Assert.Equal((CallStates.Queued, 1, false), (queued.Status, queued.Attempts, queued.DeadLetter));
        Assert.StartsWith("Container failed to initialize", queued.Error, StringComparison.Ordinal);
        Assert.InRange(queued.NextAttemptAt!.Value, accepted.AddMilliseconds(500), accepted.AddMilliseconds(1000));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), second);
        Assert.Equal((CallStates.Success, 2), (done.Status, done.Attempts));
    }

    [Fact]
    public async Task PlatformFault_PastTheMaxEventAge_DeadLetterWithoutAnotherStart()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_ASYNC_MAX_EVENT_AGE_SECS"] = "60" });
        _h.Driver.StartFailure = FnSharp.Agent.Drivers.ContainerStartError.InitTimedOut;
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var callId = await _h.InvokeDetachedAsync(fnId);
        var first = await _h.NextAttemptAsync(callId);
        var starts = _h.Driver.CreatedCount;
        _h.Advance(TimeSpan.FromSeconds(61));
        var second = await _h.NextAttemptAsync(callId);
        var dead = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Retried, CallStatus.ContainerInitTimedOut), first);
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, null), second);
        Assert.Equal(starts, _h.Driver.CreatedCount);
        Assert.Equal((CallStates.Timeout, 504, true, 1), (dead.Status, dead.StatusCode, dead.DeadLetter, dead.Attempts));
        Assert.StartsWith("the call reached FN_ASYNC_MAX_EVENT_AGE_SECS=60 before it succeeded; last error: Container initialization timed out", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerOverTheResponseSize_FunctionFault_DeadLetterWithFnsMessage()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_MAX_RESPONSE_SIZE"] = "10" });
        _h.Driver.Handler = context => context.Response.WriteAsync(new string('x', 100));
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var callId = await _h.InvokeDetachedAsync(fnId);
        var attempt = await _h.NextAttemptAsync(callId);
        var dead = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, CallStatus.InvalidResponse), attempt);
        Assert.Equal((CallStates.Error, 502, "function response body too large", true), (dead.Status, dead.StatusCode, dead.Error, dead.DeadLetter));
    }

    [Fact]
    public async Task MissingImage_FunctionFault_DeadLetterAtOnceWithoutRetries()
    {
        _h.Driver.StartFailure = FnSharp.Agent.Drivers.ContainerStartError.ImageNotFound;
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        var callId = await _h.InvokeDetachedAsync(fnId);
        var attempt = await _h.NextAttemptAsync(callId);
        var dead = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, CallStatus.ImageNotFound), attempt);
        Assert.Equal((CallStates.Error, 502, true, 1), (dead.Status, dead.StatusCode, dead.DeadLetter, dead.Attempts));
        Assert.StartsWith("Failed to pull image", dead.Error, StringComparison.Ordinal);
        Assert.Null(dead.StartedAt);
        Assert.Null(dead.ContainerId);
    }

    [Fact]
    public async Task Redrive_DeadLetter_202QueuedThenRunsAgainAndSucceeds()
    {
        var fail = true;
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = Volatile.Read(ref fail) ? 502 : 200;
            return Task.CompletedTask;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        Assert.Equal(DetachedSettlement.DeadLettered, (await _h.NextAttemptAsync(callId)).Settlement);
        Volatile.Write(ref fail, false);

        using var response = await _h.Http.PostAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}/redrive", UriKind.Relative), null);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var attempt = await _h.NextAttemptAsync(callId);
        var done = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/v2/fns/{fnId}/calls/{callId}", response.Headers.Location?.ToString());
        Assert.Equal((callId, "queued", 0, false), (body.GetProperty("id").GetString(), body.GetProperty("status").GetString(), body.GetProperty("attempts").GetInt32(), body.GetProperty("dead_letter").GetBoolean()));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), attempt);
        Assert.Equal((CallStates.Success, 1, false), (done.Status, done.Attempts, done.DeadLetter));
    }

    [Fact]
    public async Task Redrive_NotADeadLetterOrUnknown_409Or404()
    {
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.NextAttemptAsync(callId);

        using var succeeded = await _h.Http.PostAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}/redrive", UriKind.Relative), null);
        using var unknownCall = await _h.Http.PostAsync(new Uri($"/v2/fns/{fnId}/calls/01JUNKNOWNCALL00000000000/redrive", UriKind.Relative), null);
        using var unknownFn = await _h.Http.PostAsync(new Uri($"/v2/fns/01JUNKNOWNFN0000000000000/calls/{callId}/redrive", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, succeeded.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"Call not found"}"""), (unknownCall.StatusCode, await unknownCall.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"Fn not found"}"""), (unknownFn.StatusCode, await unknownFn.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AsyncShare_Full_SyncCallsStillGetAContainer()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new()
        {
            ["FN_MAX_TOTAL_MEMORY_BYTES"] = (1000L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FN_ASYNC_MEMORY_SHARE"] = "0.5",
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            if (context.Request.Headers.ContainsKey("Fn-Invoke-Type"))
            {
                await release.Task;
            }

            context.Response.StatusCode = 200;
        };
        var fns = new List<string>();
        foreach (var name in new[] { "a", "b", "c", "sync" })
        {
            fns.Add((await _h.CreateFnAsync("app-" + name, name, ""","memory":200""")).FnId);
        }

        // Three async fns of 200 MiB in a share of 500 MiB: two run, the third waits for memory (and is
        // cut off and given back when the test ends).
        var calls = new List<(string FnId, string CallId)>();
        foreach (var fnId in fns.Take(3))
        {
            calls.Add((fnId, await _h.InvokeDetachedAsync(fnId)));
        }

        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);
        using var sync = await _h.InvokeAsync($"/invoke/{fns[3]}", "sync", invokeType: null);
        var asyncContainers = fns.Take(3).Sum(_h.Driver.LiveCountOf);
        var running = calls.Where(c => _h.Driver.LiveCountOf(c.FnId) == 1).ToList();
        release.SetResult();
        foreach (var (_, callId) in running)
        {
            Assert.Equal(DetachedSettlement.Completed, (await _h.NextAttemptAsync(callId)).Settlement);
        }

        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal(2, asyncContainers);
        Assert.Equal(2, running.Count);
    }

    [Fact]
    public async Task TooBusy_NoRoomToWait_RequeuedWithoutCountingTheAttempt()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_MAX_QUEUED_PER_FN"] = "0" });
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var accepted = _h.Time.GetUtcNow();

        var callId = await _h.InvokeDetachedAsync(fnId);
        var attempt = await _h.NextAttemptAsync(callId);
        var requeued = await _h.GetCallAsync(fnId, callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Retried, CallStatus.TooBusy), attempt);
        Assert.Equal((CallStates.Queued, 0, "Timed out - server too busy", false), (requeued.Status, requeued.Attempts, requeued.Error, requeued.DeadLetter));
        Assert.InRange(requeued.NextAttemptAt!.Value, accepted.AddMilliseconds(500), accepted.AddMilliseconds(1000));
        Assert.Equal(0, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task Shutdown_CallRunning_GivenBackUncountedAndRunByTheNextServer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        var attempts = Task.Run(() => _h.NextAttemptAsync(callId));

        // FN_SHUTDOWN_GRACE_MSECS=0: the running call is cut off at once.
        var directory = _h.DataDirectory;
        await _h.DisposeAsync();
        release.SetResult();
        var cutOff = await attempts;
        var stored = await (await SqliteDataStore.OpenAsync(Path.Combine(directory, "fnsharp.db"), CancellationToken.None)).GetCallAsync(fnId, callId, CancellationToken.None);
        _h = new DetachedCallHarness(dataDirectory: directory);
        _h.Start();
        var rerun = await _h.NextAttemptAsync(callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.GivenBack, null), cutOff);
        Assert.Equal((CallStates.Queued, 0), (stored!.Status, stored.Attempts));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), rerun);
        Assert.Equal((CallStates.Success, 1), ((await _h.GetCallAsync(fnId, callId)).Status, (await _h.GetCallAsync(fnId, callId)).Attempts));
    }

    [Fact]
    public async Task LeaseLost_AnotherClaimTookTheCallWhileItRan_ItsEndIsNotStored()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            await release.Task;
            context.Response.StatusCode = 502;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        // While this node runs the call, its lease passes on: another node claims the call and runs it.
        await _h.Calls.RecoverNodeCallsAsync(_h.NodeName, CancellationToken.None);
        var other = Assert.Single(await _h.Calls.ClaimCallsAsync("other-node", _h.Time.GetUtcNow(), TimeSpan.FromMinutes(1), 1, CancellationToken.None));
        release.SetResult();
        var attempt = await _h.NextAttemptAsync(callId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.LeaseLost, CallStatus.FunctionFailed), attempt);
        Assert.Equal(other.Call, await _h.GetCallAsync(fnId, callId));
    }

    [Fact]
    public async Task Shutdown_HostBeginsToStop_NothingClaimedWhileTheWebServerDrains()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_ASYNC_MAX_CONCURRENT"] = "1" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var running = await _h.InvokeDetachedAsync(fnId);
        var waiting = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        // The host's first step of a shutdown; the web server then drains before the worker is stopped.
        await _h.Worker.StoppingAsync(CancellationToken.None);
        await _h.Worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        var first = await _h.NextAttemptAsync(running);
        _h.Worker.Wake();

        Assert.Equal(new DetachedAttempt(running, DetachedSettlement.Completed, CallStatus.Success), first);
        var left = await _h.GetCallAsync(fnId, waiting);
        Assert.Equal((CallStates.Queued, 0), (left.Status, left.Attempts));
        Assert.Equal(1, _h.Driver.CallCount);
    }

    [Fact]
    public async Task LogWait_SlotFreedForTheNextCallWhileTheOutputOfTheLastArrives()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_ASYNC_MAX_CONCURRENT"] = "1", ["FN_CALL_LOG_WAIT_MSECS"] = "1000" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Driver.Handler = async context =>
        {
            if (await new StreamReader(context.Request.Body).ReadToEndAsync() == "second")
            {
                await release.Task;
            }

            context.Response.StatusCode = 200;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var first = await _h.InvokeDetachedAsync(fnId, "first");
        var second = await _h.InvokeDetachedAsync(fnId, "second");

        // The fake clock stands still, so the first call waits for its output as long as the test
        // wants; with one slot, the second runs meanwhile.
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2).WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = await _h.GetCallAsync(fnId, first);
        var attempts = Task.Run(async () => (await _h.NextAttemptAsync(first), await _h.NextAttemptAsync(second)));

        // FN_SHUTDOWN_GRACE_MSECS=0: the wait for output ends, the call still in its container is given back.
        await _h.DisposeAsync();
        release.SetResult();
        var (firstEnd, secondEnd) = await attempts;
        _h = new DetachedCallHarness();

        Assert.Equal(CallStates.Running, waiting.Status);
        Assert.Equal(new DetachedAttempt(first, DetachedSettlement.Completed, CallStatus.Success), firstEnd);
        Assert.Equal(new DetachedAttempt(second, DetachedSettlement.GivenBack, null), secondEnd);
    }

    [Fact]
    public async Task Start_CallsLeftRunningByThisNode_RecoveredAndRun()
    {
        const string node = "node-that-crashed";
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(new() { ["FN_ASYNC_MAX_CONCURRENT"] = "0" });
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        var directory = _h.DataDirectory;
        var now = _h.Time.GetUtcNow();
        await _h.DisposeAsync();

        // The crashed node had claimed the call with a lease of an hour: only its recovery frees it.
        var store = await SqliteDataStore.OpenAsync(Path.Combine(directory, "fnsharp.db"), CancellationToken.None);
        var claimed = await store.ClaimCallsAsync(node, now, TimeSpan.FromHours(1), 10, CancellationToken.None);
        _h = new DetachedCallHarness(new() { ["FN_NODE_NAME"] = node }, dataDirectory: directory);
        _h.Start();
        var attempt = await _h.NextAttemptAsync(callId);
        var done = await _h.GetCallAsync(fnId, callId);

        Assert.Equal([callId], claimed.Select(c => c.Call.Id));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), attempt);
        Assert.Equal((CallStates.Success, 2), (done.Status, done.Attempts));
    }

    [Fact]
    public async Task DeleteFn_DetachedCallWaitingForItsContainer_RemovedNotADeadLetter()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);

        using var deleted = await _h.Http.DeleteAsync(new Uri($"/v2/fns/{fnId}", UriKind.Relative));
        var attempt = await _h.NextAttemptAsync(callId);
        gate.SetResult();
        var text = await _h.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var samples = Telemetry.PrometheusText.Samples(text, $"fn_id=\"{fnId}\"")
            .Where(s => s.Key.StartsWith("fnsharp_async_", StringComparison.Ordinal))
            .ToDictionary();

        // The runner refused it (404, fn_removed), which would make a dead letter, but the call went with its fn.
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Removed, CallStatus.FnRemoved), attempt);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["fnsharp_async_attempts_total{outcome=\"fn_removed\"}"] = 1,
                ["fnsharp_async_calls_accepted_total{}"] = 1,
                ["fnsharp_async_claims_total{}"] = 1,
            },
            samples);
        var line = Assert.Single(_h.Logs.Logger.Entries, e => e.EventId is >= 1506 and <= 1520);
        Assert.Equal(
            (1520, $"Detached call {callId} of fn {fnId} ended on attempt 1 (fn_removed) after its fn (or the fn's app) was deleted: nothing of it is stored, as the fn's calls went with it"),
            (line.EventId, line.Message));
    }

    [Fact]
    public async Task DeleteFn_DetachedCallRunning_FinishesAndIsRemovedNotCompleted()
    {
        var release = new TaskCompletionSource();
        _h.Driver.Handler = async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("done");
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");
        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        using var deleted = await _h.Http.DeleteAsync(new Uri($"/v2/fns/{fnId}", UriKind.Relative));
        release.SetResult();
        var attempt = await _h.NextAttemptAsync(callId);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Removed, CallStatus.Success), attempt);
        Assert.Null(await _h.Calls.GetCallAsync(fnId, callId, CancellationToken.None));
        Assert.Equal([1520], _h.Logs.Logger.Entries.Where(e => e.EventId is >= 1506 and <= 1520).Select(e => e.EventId));
    }

    [Fact]
    public async Task Metrics_RetryThenDeadLetter_CountedPerFn()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        var (_, fnId) = await _h.CreateFnAsync("app", "counted", ""","annotations":{"fnsharp.io/async-retries":"1"}""");
        var callId = await _h.InvokeDetachedAsync(fnId);
        Assert.Equal(DetachedSettlement.Retried, (await _h.NextAttemptAsync(callId)).Settlement);
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DetachedSettlement.DeadLettered, (await _h.NextAttemptAsync(callId)).Settlement);

        var text = await _h.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var samples = Telemetry.PrometheusText.Samples(text, $"fn_id=\"{fnId}\"")
            .Where(s => s.Key.StartsWith("fnsharp_async_", StringComparison.Ordinal))
            .ToDictionary();

        Assert.Equal(
            new Dictionary<string, double>
            {
                ["fnsharp_async_attempts_total{outcome=\"function_failed\"}"] = 2,
                ["fnsharp_async_calls_accepted_total{}"] = 1,
                ["fnsharp_async_claims_total{}"] = 2,
                ["fnsharp_async_dead_letters_total{reason=\"retries_exhausted\"}"] = 1,
                ["fnsharp_async_retries_total{fault=\"function\"}"] = 1,
            },
            samples);
    }

    [Fact]
    public async Task Enqueue_StoreFails_503NotAccepted()
    {
        await _h.DisposeAsync();
        _h = new DetachedCallHarness(store: System.Reflection.DispatchProxy.Create<ICallStore, ThrowingCallStoreProxy>());
        var (_, fnId) = await _h.CreateFnAsync("app", "fn");

        using var response = await _h.InvokeAsync($"/invoke/{fnId}", "x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"message":"Could not queue the detached call: the datastore failed; the call was not accepted, send it again"}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
    }
}
