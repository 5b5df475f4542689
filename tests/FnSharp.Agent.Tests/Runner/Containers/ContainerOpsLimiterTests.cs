using System.Threading.Channels;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

/// <summary>The engine operations' limit: starts first in the order asked, background work when no start waits and never starved.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ContainerOpsLimiterTests
{
    private readonly Channel<string> _began = Channel.CreateUnbounded<string>();
    private readonly Dictionary<string, TaskCompletionSource> _gates = [];

    [Fact]
    public async Task RunAsync_StartAskedAfterBackgroundWork_GoesFirst()
    {
        var ops = new ContainerOpsLimiter(1);
        var running = Run(ops, ContainerOpKind.Start, "held");
        Assert.Equal("held", await NextAsync());
        var waiting = new[] { Run(ops, ContainerOpKind.Background, "remove a"), Run(ops, ContainerOpKind.Background, "remove b"), Run(ops, ContainerOpKind.Start, "start c") };

        var order = await DrainAsync("held", 3);

        Assert.Equal(["start c", "remove a", "remove b"], order);
        await Task.WhenAll([running, .. waiting]);
    }

    [Fact]
    public async Task RunAsync_StartsKeepComing_BackgroundWorkRunsAfterLimitStartsPassedIt()
    {
        var ops = new ContainerOpsLimiter(2);
        var running = new[] { Run(ops, ContainerOpKind.Start, "held 1"), Run(ops, ContainerOpKind.Start, "held 2") };
        Assert.Equal(["held 1", "held 2"], new[] { await NextAsync(), await NextAsync() }.Order());
        var waiting = new[]
        {
            Run(ops, ContainerOpKind.Background, "remove"),
            Run(ops, ContainerOpKind.Start, "start 1"),
            Run(ops, ContainerOpKind.Start, "start 2"),
            Run(ops, ContainerOpKind.Start, "start 3"),
        };

        // One place freed at a time: the operation let in says so before the next place is freed.
        _gates["held 2"].SetResult();
        var order = new List<string> { await NextAsync() };
        order.AddRange(await DrainAsync("held 1", 3));
        _gates["start 1"].SetResult();

        Assert.Equal(["start 1", "start 2", "remove", "start 3"], order);
        await Task.WhenAll([.. running, .. waiting]);
    }

    [Fact]
    public async Task RunAsync_WaiterCancelled_ThrowsAndTakesNoPlace()
    {
        var ops = new ContainerOpsLimiter(1);
        var running = Run(ops, ContainerOpKind.Start, "held");
        Assert.Equal("held", await NextAsync());
        using var cancel = new CancellationTokenSource();
        var cancelled = ops.RunAsync(ContainerOpKind.Start, () => Task.FromResult(1), cancel.Token);
        var after = Run(ops, ContainerOpKind.Background, "remove");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var order = await DrainAsync("held", 1);

        Assert.Equal(["remove"], order);
        await Task.WhenAll(running, after);
    }

    [Fact]
    public async Task RunAsync_OperationThrows_ItsPlaceIsFreed()
    {
        var ops = new ContainerOpsLimiter(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ops.RunAsync(ContainerOpKind.Start, () => Task.FromException(new InvalidOperationException("engine said no")), CancellationToken.None));
        var next = Run(ops, ContainerOpKind.Background, "remove");

        Assert.Equal("remove", await NextAsync());
        _gates["remove"].SetResult();
        await next;
    }

    [Fact]
    public void Constructor_LimitBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContainerOpsLimiter(0));

    /// <summary>An operation that says it began, then runs until its gate opens.</summary>
    private Task Run(ContainerOpsLimiter ops, ContainerOpKind kind, string name)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gates[name] = gate;
        return ops.RunAsync(kind, async () =>
        {
            _began.Writer.TryWrite(name);
            await gate.Task;
        }, CancellationToken.None);
    }

    private async Task<string> NextAsync() => await _began.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Ends <paramref name="first"/>, then each operation as it begins: the order in which <paramref name="count"/> began.</summary>
    private async Task<List<string>> DrainAsync(string first, int count)
    {
        _gates[first].SetResult();
        var order = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = await NextAsync();
            order.Add(name);
            _gates[name].SetResult();
        }

        return order;
    }
}
