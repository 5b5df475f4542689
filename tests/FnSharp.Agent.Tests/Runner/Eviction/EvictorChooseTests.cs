using FnSharp.Agent.Runner.Eviction;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Eviction;

/// <summary>The evictor's choice alone: which idle containers, least recently used first, make room in which limit.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class EvictorChooseTests
{
    private static readonly EvictionCandidate Sync128 = new(128, AsyncPool: false);
    private static readonly EvictionCandidate Async128 = new(128, AsyncPool: true);
    private static readonly EvictionCandidate Async256 = new(256, AsyncPool: true);

    [Fact]
    public void Choose_SyncLaunch_LeastRecentlyUsedFirstUntilItFits()
    {
        var chosen = Evictor.Choose([Sync128, Sync128, Sync128], freeTotalMiB: 0, freeAsyncMiB: 0, memoryMiB: 256, asyncPool: false);

        Assert.Equal([0, 1], chosen);
    }

    [Fact]
    public void Choose_FreeMemoryCoversPart_OnlyTheRest()
    {
        var chosen = Evictor.Choose([Sync128, Sync128], freeTotalMiB: 100, freeAsyncMiB: 0, memoryMiB: 200, asyncPool: false);

        Assert.Equal([0], chosen);
    }

    [Fact]
    public void Choose_EnoughFreeAlready_NothingChosen()
    {
        var chosen = Evictor.Choose([Sync128], freeTotalMiB: 512, freeAsyncMiB: 0, memoryMiB: 256, asyncPool: false);

        Assert.Equal([], chosen);
    }

    [Fact]
    public void Choose_AllTogetherTooLittle_NullSoNothingIsEvicted()
    {
        Assert.Null(Evictor.Choose([Sync128, Async128], freeTotalMiB: 0, freeAsyncMiB: 0, memoryMiB: 512, asyncPool: false));
    }

    [Fact]
    public void Choose_SyncLaunch_EvictsWhateverThePool()
    {
        var chosen = Evictor.Choose([Async128, Sync128], freeTotalMiB: 0, freeAsyncMiB: 0, memoryMiB: 128, asyncPool: false);

        Assert.Equal([0], chosen);
    }

    [Fact]
    public void Choose_AsyncLaunchAsyncShareBinding_SkipsTheOlderSyncContainer()
    {
        // 128 MiB free in total but none of the async share: only an async container helps.
        var chosen = Evictor.Choose([Sync128, Async256], freeTotalMiB: 128, freeAsyncMiB: 0, memoryMiB: 128, asyncPool: true);

        Assert.Equal([1], chosen);
    }

    [Fact]
    public void Choose_AsyncLaunchTotalBinding_TakesTheOldestSyncContainer()
    {
        // The async share has room; total memory is what is missing.
        var chosen = Evictor.Choose([Sync128, Async128], freeTotalMiB: 0, freeAsyncMiB: 256, memoryMiB: 128, asyncPool: true);

        Assert.Equal([0], chosen);
    }

    [Fact]
    public void Choose_AsyncLaunchIdleAsyncTooSmall_NullEvenThoughTotalWouldFit()
    {
        Assert.Null(Evictor.Choose([Sync128, Async128], freeTotalMiB: 0, freeAsyncMiB: 0, memoryMiB: 256, asyncPool: true));
    }
}
