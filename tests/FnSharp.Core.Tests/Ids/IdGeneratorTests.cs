using FnSharp.Core.Ids;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Core.Tests.Ids;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class IdGeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NewId_Always_Is26CrockfordCharacters()
    {
        var ids = new IdGenerator(new FakeTimeProvider(Start));

        var id = ids.NewId();

        Assert.Equal(26, id.Length);
        Assert.True(IdGenerator.IsValid(id));
    }

    [Fact]
    public void NewId_SameMillisecond_StrictlyIncreases()
    {
        var ids = new IdGenerator(new FakeTimeProvider(Start));

        var all = Enumerable.Range(0, 1000).Select(_ => ids.NewId()).ToList();

        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void NewId_ClockStepsBack_StillIncreases()
    {
        var clock = new SettableClock { Now = Start };
        var ids = new IdGenerator(clock);
        var first = ids.NewId();

        clock.Now = Start.AddMinutes(-5);
        var second = ids.NewId();

        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Fact]
    public void NewId_LaterTime_SortsAfterEarlierFromAnotherGenerator()
    {
        var early = new IdGenerator(new FakeTimeProvider(Start)).NewId();
        var late = new IdGenerator(new FakeTimeProvider(Start.AddMilliseconds(1))).NewId();

        Assert.True(string.CompareOrdinal(early, late) < 0);
    }

    [Fact]
    public void NewId_TwoGeneratorsSameInstant_Differ()
    {
        var clock = new FakeTimeProvider(Start);

        var a = new IdGenerator(clock).NewId();
        var b = new IdGenerator(clock).NewId();

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task NewId_ConcurrentCallers_AllUnique()
    {
        var ids = new IdGenerator(new FakeTimeProvider(Start));

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 5000).Select(_ => ids.NewId()).ToList())));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(40_000, all.Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01M8P1J06Q0004AM48VSSRJMF")]
    [InlineData("01M8P1J06Q0004AM48VSSRJMF2X")]
    [InlineData("01M8P1J06Q0004AM48VSSRJMFU")]
    [InlineData("81M8P1J06Q0004AM48VSSRJMF2")]
    public void IsValid_NotAnId_False(string? id) => Assert.False(IdGenerator.IsValid(id));

    [Fact]
    public void Derive_SameTimeAndKey_SameValidIdThatSortsByTime()
    {
        var first = IdGenerator.Derive(Start, "nats/T/stream/7");
        var again = IdGenerator.Derive(Start, "nats/T/stream/7");
        var otherKey = IdGenerator.Derive(Start, "nats/T/stream/8");
        var later = IdGenerator.Derive(Start.AddMilliseconds(1), "nats/T/stream/7");

        Assert.True(IdGenerator.IsValid(first));
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherKey);
        Assert.True(string.CompareOrdinal(first, later) < 0);
        Assert.Equal(new IdGenerator(new FakeTimeProvider(Start)).NewId()[..9], first[..9]);
    }

    /// <summary>A clock that can be set backwards, which <see cref="FakeTimeProvider"/> refuses.</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
