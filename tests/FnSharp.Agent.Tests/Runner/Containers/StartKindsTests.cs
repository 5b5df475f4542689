using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class StartKindsTests
{
    [Theory]
    [InlineData(true, false, true, StartKind.Cold)]
    [InlineData(true, true, true, StartKind.Prewarmed)]
    [InlineData(true, true, false, StartKind.Prewarmed)]
    [InlineData(true, false, false, StartKind.Warm)]
    [InlineData(false, false, true, StartKind.Warm)]
    [InlineData(false, true, false, StartKind.Warm)]
    public void Of_FirstCallAheadWaited_Kind(bool firstCall, bool startedAhead, bool waitedForStart, StartKind expected) =>
        Assert.Equal(expected, StartKinds.Of(firstCall, startedAhead, waitedForStart));

    [Theory]
    [InlineData(StartKind.Warm, true, StartKind.Thawed)]
    [InlineData(StartKind.Warm, false, StartKind.Warm)]
    [InlineData(StartKind.Prewarmed, true, StartKind.Prewarmed)]
    [InlineData(StartKind.Cold, true, StartKind.Cold)]
    public void AfterThaw_KindThawed_Kind(StartKind kind, bool thawed, StartKind expected) =>
        Assert.Equal(expected, StartKinds.AfterThaw(kind, thawed));

    [Fact]
    public void Phases_ReadyWaitWithinStart_SplitsTheStart()
    {
        var phases = ContainerLauncher.Phases(TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(35));

        Assert.Equal(new ContainerStartPhases(120, 165, 35), phases);
        Assert.Equal(["create", "start", "ready"], phases.ToMilliseconds().Keys);
        Assert.Equal(320, phases.TotalMs);
    }

    [Fact]
    public void Phases_ReadyWaitLongerThanStart_ReadyIsTheWholeStart() =>
        Assert.Equal(new ContainerStartPhases(10, 0, 50), ContainerLauncher.Phases(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(80)));

    [Fact]
    public void Phases_CreateWaitedForAPull_PullIsItsOwnPhaseFirst()
    {
        var phases = ContainerLauncher.Phases(TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(35), TimeSpan.FromMilliseconds(800));

        Assert.Equal(new ContainerStartPhases(100, 165, 35) { PullMs = 800 }, phases);
        Assert.Equal(["pull", "create", "start", "ready"], phases.ToMilliseconds().Keys);
        Assert.Equal(1100, phases.TotalMs);
    }
}
