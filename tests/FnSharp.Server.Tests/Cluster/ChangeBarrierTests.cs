using FnSharp.Server.Cluster;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Cluster;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ChangeBarrierTests
{
    private static readonly DateTimeOffset Beat = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);
    private readonly ChangeBarrier _a = new("node-a");
    private readonly ChangeBarrier _b = new("node-b");

    [Fact]
    public void Read_MessagesOfEachKind_Parsed()
    {
        Assert.Equal((ChangeMessageKind.Sync, 7L, "node-a", "node-a"), ChangeBarrier.Read(_a.SyncMessage(7)));
        Assert.Equal((ChangeMessageKind.Ack, 7L, "node-a", "node-b"), ChangeBarrier.Read(_b.AckMessage(7, "node-a")));
        Assert.Equal((ChangeMessageKind.Change, 0L, "", ""), ChangeBarrier.Read("fns"));
        Assert.Equal(ChangeMessageKind.Change, ChangeBarrier.Read("sync\u001fx\u001fnode-a").Kind);
    }

    [Fact]
    public async Task Open_EveryNodeAcknowledges_Completes()
    {
        var (number, acknowledged) = _a.Open(["node-b", "node-c"]);

        _a.Acknowledged(number, "node-b");
        _a.Acknowledged(number, "node-z");
        var afterOne = acknowledged.IsCompleted;
        _a.Acknowledged(number, "node-c");
        await acknowledged;

        Assert.False(afterOne);
        Assert.Empty(_a.Close(number, new Dictionary<string, DateTimeOffset> { ["node-b"] = Beat, ["node-c"] = Beat }));
    }

    [Fact]
    public void Open_NoNode_CompletedAtOnce() => Assert.True(_a.Open([]).Acknowledged.IsCompletedSuccessfully);

    [Fact]
    public void Close_NodeSilent_NamedAndSkippedUntilItsNextHeartbeat()
    {
        var (first, _) = _a.Open(["node-b", "node-c"]);
        _a.Acknowledged(first, "node-b");

        var missing = _a.Close(first, new Dictionary<string, DateTimeOffset> { ["node-b"] = Beat, ["node-c"] = Beat });

        Assert.Equal(["node-c"], missing);
        Assert.True(_a.Skips("node-c", Beat));
        Assert.False(_a.Skips("node-c", Beat.AddSeconds(5)));
        Assert.False(_a.Skips("node-b", Beat));
    }

    [Fact]
    public void Close_SkippedNodeAcknowledgesLater_NoLongerSkipped()
    {
        var (first, _) = _a.Open(["node-c"]);
        _a.Close(first, new Dictionary<string, DateTimeOffset> { ["node-c"] = Beat });
        var (second, _) = _a.Open(["node-c"]);
        _a.Acknowledged(second, "node-c");

        _a.Close(second, new Dictionary<string, DateTimeOffset> { ["node-c"] = Beat });

        Assert.False(_a.Skips("node-c", Beat));
    }

    [Fact]
    public void IsSelf_OwnNameOnly() => Assert.Equal((true, false), (_a.IsSelf("node-a"), _a.IsSelf("node-b")));
}
