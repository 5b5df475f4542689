using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>invoke</c> of a call that takes its time, against the real server on loopback with fake containers and
/// fake clocks (the server's, for the fn's timeout; the CLI's, for its progress): a progress line once the
/// call has waited a second, and a timeout that says how to see the call and give the fn longer.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class InvokeWaitTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FakeTimeProvider _serverTime = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _cliTime = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FnSharpServerFactory _server;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _url;

    public InvokeWaitTests()
    {
        _server = new FnSharpServerFactory(_driver) { Time = _serverTime };
        _server.Settings["FN_SHUTDOWN_GRACE_MSECS"] = "0";
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');

        // The call waits in the container until the test releases it, or until the server ends it at its deadline.
        _driver.Handler = async context =>
        {
            _entered.TrySetResult();
            await _release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("done");
        };
    }

    public async Task InitializeAsync()
    {
        await CliRun.RunAsync(["create", "app", "shop", "--api-url", _url]);
        await CliRun.RunAsync(["create", "fn", "shop", "slow", "img", "--timeout", "5", "--api-url", _url]);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Invoke_AnswerTakesOverASecond_OnePlainProgressLineThenTheAnswer()
    {
        using var output = new StringWriter();
        using var error = new SignalWriter();
        var invoke = CliApp.RunAsync(["invoke", "shop", "slow", "--api-url", _url], CliRun.Io(output, error, with: io => io with { Time = _cliTime }));

        await _entered.Task;
        _cliTime.Advance(TimeSpan.FromSeconds(1));
        await error.WaitForAsync("\n");
        _release.SetResult();
        var code = await invoke;

        Assert.Equal((0, "done\n", "Waiting for the answer of shop slow (its timeout is 5 s)...\n"), (code, output.ToString(), error.ToString()));
    }

    [Fact]
    public async Task Invoke_AnswerWithinASecond_NoProgressLine()
    {
        using var output = new StringWriter();
        using var error = new SignalWriter();
        _release.SetResult();

        var code = await CliApp.RunAsync(["invoke", "shop", "slow", "--api-url", _url], CliRun.Io(output, error, with: io => io with { Time = _cliTime }));

        Assert.Equal((0, "done\n", ""), (code, output.ToString(), error.ToString()));
    }

    [Fact]
    public async Task Invoke_TimesOut_ErrorWithTheTimeoutAndWhatToRunNext()
    {
        using var output = new StringWriter();
        using var error = new SignalWriter();
        var invoke = CliApp.RunAsync(["invoke", "shop", "slow", "--api-url", _url], CliRun.Io(output, error, with: io => io with { Time = _cliTime }));

        await _entered.Task;
        _serverTime.Advance(TimeSpan.FromSeconds(5));
        var code = await invoke;
        var text = error.ToString();
        var callId = System.Text.RegularExpressions.Regex.Match(text, "call ([0-9A-Z]{26})").Groups[1].Value;

        Assert.Equal((1, ""), (code, output.ToString()));
        Assert.Equal(
            $"Error: Timed out (504, call {callId}): the call ran longer than the fn's timeout of 5 s\n" +
            $"To give it longer: fnsharp update fn shop slow --timeout 10 --api-url {_url}\n" +
            $"See what it wrote: fnsharp logs get shop slow {callId} --api-url {_url}\n" +
            $"See the call: fnsharp calls get shop slow {callId} --api-url {_url}\n",
            text);
    }
}
