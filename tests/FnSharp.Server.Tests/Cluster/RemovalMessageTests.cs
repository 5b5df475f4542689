using FnSharp.Server.Cluster;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Cluster;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RemovalMessageTests
{
    [Theory]
    [InlineData(RemovalMessage.Fn)]
    [InlineData(RemovalMessage.App)]
    public void TryRead_ItsOwnMessage_WhatIdAndWriter(string what)
    {
        var read = RemovalMessage.TryRead(RemovalMessage.Of(what, "01ID", "node-a"), out var w, out var id, out var writer);

        Assert.Equal((true, what, "01ID", "node-a"), (read, w, id, writer));
    }

    [Theory]
    [InlineData("fns")]
    [InlineData("sync\u001f7\u001fnode-a")]
    [InlineData("removed\u001ftrigger\u001f01ID\u001fnode-a")]
    [InlineData("removed\u001ffn\u001f\u001fnode-a")]
    [InlineData("removed\u001ffn\u001f01ID")]
    public void TryRead_AnyOtherMessage_False(string message) =>
        Assert.False(RemovalMessage.TryRead(message, out _, out _, out _));

    [Fact]
    public void Of_Message_NotReadAsASyncOrAnAck() =>
        Assert.Equal(ChangeMessageKind.Change, ChangeBarrier.Read(RemovalMessage.Of(RemovalMessage.Fn, "01ID", "node-a")).Kind);
}
