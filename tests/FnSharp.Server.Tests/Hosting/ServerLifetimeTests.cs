using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Hosting;

/// <summary>
/// The server's stop, through the real host on the fake driver: it returns only once the driver removed what of the
/// node was left, so that nothing of the driver writes the node's state after it (the host's disposal of its services
/// may still be running on the server's own thread when a test host's dispose returns).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ServerLifetimeTests : IAsyncLifetime
{
    // A failsafe against a hung test, not a timing assertion.
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(30);

    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;

    public ServerLifetimeTests() => _server = new FnSharpServerFactory(_driver);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Stop_DriverStillRemovingTheNodesContainers_ReturnsOnlyAfterIt()
    {
        _server.CreateClient().Dispose();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.RemoveAllHook = () =>
        {
            entered.TrySetResult();
            return release.Task;
        };

        var disposing = _server.DisposeAsync().AsTask();
        await entered.Task.WaitAsync(Failsafe);
        var returnedBeforeTheRemoval = disposing.IsCompleted;
        release.SetResult();
        await disposing.WaitAsync(Failsafe);

        Assert.False(returnedBeforeTheRemoval);
        Assert.Equal(1, _driver.RemoveAllCount);
    }
}
