using FnSharp.Server.Triggers;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Triggers;

/// <summary>Which stream subject captures the whole of a trigger's subject.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NatsSubjectsTests
{
    [Theory]
    [InlineData("orders.>", "orders.new", true)]
    [InlineData("orders.>", "orders.*", true)]
    [InlineData("orders.>", "orders.>", true)]
    [InlineData("orders.>", "orders.eu.new", true)]
    [InlineData("orders.*", "orders.new", true)]
    [InlineData("orders.*", "orders.*", true)]
    [InlineData("orders.new", "orders.new", true)]
    [InlineData("pay.done", "pay.*", false)]
    [InlineData("orders.>", ">", false)]
    [InlineData("orders.>", "orders", false)]
    [InlineData("orders.*", "orders.>", false)]
    [InlineData("orders.*", "orders.eu.new", false)]
    [InlineData("orders.new", "orders.old", false)]
    [InlineData(">", "anything.at.all", true)]
    public void Covers_PatternAndSubject(string pattern, string subject, bool covers) =>
        Assert.Equal(covers, NatsSubjects.Covers(pattern, subject));
}
