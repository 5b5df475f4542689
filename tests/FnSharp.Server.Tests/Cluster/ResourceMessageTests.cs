using FnSharp.Server.Cluster;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Cluster;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ResourceMessageTests
{
    [Theory]
    [InlineData(ResourceMessage.Removed, ResourceMessage.Fn)]
    [InlineData(ResourceMessage.Removed, ResourceMessage.App)]
    [InlineData(ResourceMessage.Changed, ResourceMessage.Fn)]
    [InlineData(ResourceMessage.Changed, ResourceMessage.App)]
    public void TryRead_ItsOwnMessage_KindWhatIdAndWriter(string kind, string what)
    {
        var read = ResourceMessage.TryRead(ResourceMessage.Of(kind, what, "01ID", "node-a"), out var k, out var w, out var id, out var writer);

        Assert.Equal((true, kind, what, "01ID", "node-a"), (read, k, w, id, writer));
    }

    [Theory]
    [InlineData("fns")]
    [InlineData("sync\u001f7\u001fnode-a")]
    [InlineData("removed\u001ftrigger\u001f01ID\u001fnode-a")]
    [InlineData("renamed\u001ffn\u001f01ID\u001fnode-a")]
    [InlineData("removed\u001ffn\u001f\u001fnode-a")]
    [InlineData("changed\u001ffn\u001f01ID")]
    public void TryRead_AnyOtherMessage_False(string message) =>
        Assert.False(ResourceMessage.TryRead(message, out _, out _, out _, out _));

    [Theory]
    [InlineData(ResourceMessage.Removed)]
    [InlineData(ResourceMessage.Changed)]
    public void Of_Message_NotReadAsASyncOrAnAck(string kind) =>
        Assert.Equal(ChangeMessageKind.Change, ChangeBarrier.Read(ResourceMessage.Of(kind, ResourceMessage.Fn, "01ID", "node-a")).Kind);
}
