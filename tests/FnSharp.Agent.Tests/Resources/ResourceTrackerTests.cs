using FnSharp.Agent.Resources;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Resources;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ResourceTrackerTests
{
    [Fact]
    public void TryReserve_UpToTotal_ThenRefused()
    {
        var levels = new List<long>();
        var tracker = new ResourceTracker(new HostResources(1000, 2000), asyncShare: 0.8, levels.Add);

        Assert.True(tracker.TryReserve(600, isAsync: false));
        Assert.True(tracker.TryReserve(400, isAsync: false));
        Assert.False(tracker.TryReserve(1, isAsync: false));
        tracker.Release(400, isAsync: false);
        Assert.True(tracker.TryReserve(300, isAsync: false));
        Assert.Equal(900, tracker.ReservedMiB);
        Assert.Equal(1000, levels.Max());
    }

    [Fact]
    public void TryReserve_AsyncBeyondShare_RefusedWhileSyncStillFits()
    {
        var tracker = new ResourceTracker(new HostResources(1000, 2000), asyncShare: 0.5);

        Assert.True(tracker.TryReserve(500, isAsync: true));
        Assert.False(tracker.TryReserve(1, isAsync: true));
        Assert.True(tracker.TryReserve(500, isAsync: false));
        Assert.Equal((0L, 0L), tracker.Free());
    }

    [Fact]
    public void Free_SyncReservations_LeaveTheAsyncShareItsRoom()
    {
        var tracker = new ResourceTracker(new HostResources(1000, 2000), asyncShare: 0.5);

        Assert.True(tracker.TryReserve(300, isAsync: true));
        Assert.True(tracker.TryReserve(600, isAsync: false));

        Assert.Equal((100L, 200L), tracker.Free());
    }

    [Fact]
    public void CanEverFit_MoreThanTotalOrAsyncShare_False()
    {
        var tracker = new ResourceTracker(new HostResources(1000, 2000), asyncShare: 0.5);

        Assert.True(tracker.CanEverFit(1000, isAsync: false));
        Assert.False(tracker.CanEverFit(1001, isAsync: false));
        Assert.False(tracker.CanEverFit(600, isAsync: true));
    }
}
