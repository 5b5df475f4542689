using System.Net;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Apis;

/// <summary>
/// A fn deleted through the API while calls of it run or wait, on the fake driver: the running call finishes and its
/// record is not stored (the fn's calls went with it), the waiting call gets 404, and nothing of the fn is left.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnRemovalApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();

    public FnRemovalApiTests()
    {
        // The fake containers' output is there when the call ends: the recorder's flush waits for no log on the fake clock.
        _api.Server.Settings["FN_CALL_LOG_WAIT_MSECS"] = "0";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task DeleteFn_CallRunning_ItFinishesItsContainerGoesAndItsRecordIsNotStored()
    {
        var fnId = await CreateFnAsync();
        var release = new TaskCompletionSource();
        _api.Driver.SetHandler(fnId, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("{}");
        });
        var running = _api.PostAsync($"/invoke/{fnId}", "{}");
        await _api.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var deleted = await _api.DeleteAsync($"/v2/fns/{fnId}");
        release.SetResult();
        var finished = await running;
        await _api.Server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 0);
        var calls = await _api.Server.Services.GetRequiredService<ICallStore>().GetCallsAsync(new CallFilter { FnId = fnId }, CancellationToken.None);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.OK), (deleted.Status, finished.Status));
        Assert.Empty(calls.Items);
    }

    [Fact]
    public async Task DeleteFn_CallWaitingForItsContainer_404SayingTheFnWasDeleted()
    {
        var fnId = await CreateFnAsync();
        var gate = new TaskCompletionSource();
        _api.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var waiting = _api.PostAsync($"/invoke/{fnId}", "{}");
        await _api.Driver.WaitUntilAsync(d => d.StartingCount == 1);

        Assert.Equal(HttpStatusCode.NoContent, (await _api.DeleteAsync($"/v2/fns/{fnId}")).Status);
        var refused = await waiting;
        gate.SetResult();
        await _api.Driver.WaitUntilAsync(d => d.StartingCount == 0 && d.LiveCountOf(fnId) == 0);

        Assert.Equal((HttpStatusCode.NotFound, $"Fn not found: fn {fnId} was deleted before this call got a container"), (refused.Status, refused.Message));
        Assert.Equal(0, _api.Driver.CallCount);
    }

    private async Task<string> CreateFnAsync()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;
        return (await _api.CreateFnAsync(appId, "f", ""","idle_timeout":3600""")).GetProperty("id").GetString()!;
    }
}
