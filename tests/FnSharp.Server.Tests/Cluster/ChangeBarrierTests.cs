using FnSharp.Server.Cluster;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Cluster;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ChangeBarrierTests
{
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
        Assert.Empty(_a.Close(number));
    }

    [Fact]
    public void Open_NoNode_CompletedAtOnce() => Assert.True(_a.Open([]).Acknowledged.IsCompletedSuccessfully);

    [Fact]
    public void Close_NodeSilent_NamedAndSkipped()
    {
        var (first, _) = _a.Open(["node-b", "node-c"]);
        _a.Acknowledged(first, "node-b");

        var missing = _a.Close(first);
        _a.Skip(missing);

        Assert.Equal(["node-c"], missing);
        Assert.Equal((true, false), (_a.Skips("node-c"), _a.Skips("node-b")));
    }

    [Fact]
    public void Acknowledged_SkippedNodeAcknowledgesALaterSync_NoLongerSkipped()
    {
        var (first, _) = _a.Open(["node-c"]);
        _a.Skip(_a.Close(first));
        var (second, _) = _a.Open([]);
        var skippedMeanwhile = _a.Skips("node-c");

        _a.Acknowledged(second, "node-c");

        Assert.Equal((true, false), (skippedMeanwhile, _a.Skips("node-c")));
    }

    [Fact]
    public void Acknowledged_LateAcknowledgementOfAClosedSync_NoLongerSkipped()
    {
        var (first, _) = _a.Open(["node-c"]);
        _a.Skip(_a.Close(first));

        _a.Acknowledged(first, "node-c");

        Assert.False(_a.Skips("node-c"));
    }

    [Fact]
    public void IsSelf_OwnNameOnly() => Assert.Equal((true, false), (_a.IsSelf("node-a"), _a.IsSelf("node-b")));
}
