using System.Text;
using FnSharp.Core.Models;
using FnSharp.Server.Triggers;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Triggers;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NatsMessageCallTests
{
    private static readonly DateTimeOffset Stored = new(2026, 12, 5, 1, 0, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Stored.AddSeconds(2);
    private static readonly Trigger Trigger = new() { Id = "01KBQ5S8W0000000000000000T", AppId = "app-id", FnId = "fn-id", Name = "orders", Type = Trigger.NatsType, Source = "orders.*" };

    [Fact]
    public void Map_Message_QueuedDetachedCallWithThePayloadAsBody()
    {
        var delivery = Delivery("""{"order":7}""", [KeyValuePair.Create("content-type", "application/json"), KeyValuePair.Create("X-Other", "1")]);

        var (call, payload) = NatsMessageCall.Map(Trigger, delivery, Now);

        Assert.Equal(("app-id", "fn-id", CallTypes.Detached, CallStates.Queued, Now), (call.AppId, call.FnId, call.Type, call.Status, call.CreatedAt));
        Assert.Equal("""{"order":7}""", Encoding.UTF8.GetString(payload.Body));
        Assert.Equal(
            [KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("Fnsharp-Nats-Subject", "orders.created"), KeyValuePair.Create("Fnsharp-Nats-Sequence", "42")],
            payload.Headers);
    }

    [Fact]
    public void Map_NoContentType_OctetStream()
    {
        var (_, payload) = NatsMessageCall.Map(Trigger, Delivery("raw", []), Now);

        Assert.Equal(KeyValuePair.Create("Content-Type", NatsMessageCall.DefaultContentType), payload.Headers[0]);
    }

    [Fact]
    public void CallIdOf_SameMessageDeliveredAgain_SameId()
    {
        var first = NatsMessageCall.Map(Trigger, Delivery("a", []), Now).Call.Id;
        var redelivered = NatsMessageCall.Map(Trigger, Delivery("a", []) with { NumDelivered = 3 }, Now.AddMinutes(1)).Call.Id;
        var next = NatsMessageCall.Map(Trigger, Delivery("a", []) with { StreamSequence = 43 }, Now).Call.Id;
        var otherTrigger = NatsMessageCall.Map(Trigger with { Id = "01KBQ5S8W0000000000000000U" }, Delivery("a", []), Now).Call.Id;

        Assert.Equal(first, redelivered);
        Assert.Equal(4, new HashSet<string>([first, next, otherTrigger, NatsMessageCall.CallIdOf(Trigger, Delivery("a", []) with { Stream = "other" })]).Count);
    }

    [Fact]
    public void ConsumerNameOf_SourceChanged_NewConsumerAndStream()
    {
        var name = NatsTriggerListener.ConsumerNameOf(Trigger);

        Assert.StartsWith($"fnsharp-{Trigger.Id}-", name, StringComparison.Ordinal);
        Assert.Equal(name, NatsTriggerListener.ConsumerNameOf(Trigger with { Name = "renamed" }));
        Assert.NotEqual(name, NatsTriggerListener.ConsumerNameOf(Trigger with { Source = "orders.>" }));
    }

    private static NatsDelivery Delivery(string body, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        new("orders.created", Encoding.UTF8.GetBytes(body), headers, "fnsharp-stream", 42, Stored, 1);
}
