using FnSharp.Agent.Runner.Queue;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Queue;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LaunchPolicyTests
{
    // Room for 64 more starts, memory not short: the bounds of a fn that mostly waits set nothing.
    private static readonly LaunchRoom Room = new(64, MemoryShort: false);

    [Fact]
    public void ContainersToStart_FirstCallsOfFn_ExactlyOne()
    {
        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 16, starting: 0, busy: 0, callEstimateMs: 0, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_FirstContainerStillStarting_NoMore()
    {
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 16, starting: 1, busy: 0, callEstimateMs: 5000, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_FastFnSixteenCallers_NoneBeyondTheHotOne()
    {
        // 5 ms calls, 300 ms starts: one busy container serves 60 calls in the time another would start.
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 5, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_SlowFnOneBusy_OneMoreNotAHerd()
    {
        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 3000, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_SlowFn_DoublesUntilDemandIsMet()
    {
        Assert.Equal(2, LaunchPolicy.ContainersToStart(waiting: 14, starting: 0, busy: 2, callEstimateMs: 3000, startEstimateMs: 300));
        Assert.Equal(8, LaunchPolicy.ContainersToStart(waiting: 8, starting: 0, busy: 8, callEstimateMs: 3000, startEstimateMs: 300));
        Assert.Equal(84, LaunchPolicy.ContainersToStart(waiting: 84, starting: 0, busy: 100, callEstimateMs: 3000, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_FnAsSlowAsAStart_OnlyForCallsBusyOnesCannotServe()
    {
        Assert.Equal(6, LaunchPolicy.ContainersToStart(waiting: 14, starting: 0, busy: 8, callEstimateMs: 300, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_ContainersAlreadyStartingForTheCalls_NoMore()
    {
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 5, starting: 5, busy: 8, callEstimateMs: 3000, startEstimateMs: 300));
        Assert.Equal(2, LaunchPolicy.ContainersToStart(waiting: 7, starting: 5, busy: 8, callEstimateMs: 3000, startEstimateMs: 300));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 7, starting: 3, busy: 3, callEstimateMs: 3000, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_NoCallMeasuredYet_Waits()
    {
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 0, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_MediumFn_BusyContainersServeTheirShare()
    {
        // 100 ms calls, 300 ms starts: each of 4 busy containers serves 3 waiting calls in a start time.
        Assert.Equal(3, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 4, callEstimateMs: 100, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_NobodyWaits_None()
    {
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 0, starting: 0, busy: 0, callEstimateMs: 0, startEstimateMs: 300));
    }

    [Fact]
    public void ContainersToStart_CpuBoundFnOnSaturatedNode_NoneMore()
    {
        var cpu = new CpuView(CpuShare: 0.9, NodeCpus: 2, NodeBusy: 0.95);

        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_CpuBoundFnWithCpuToSpare_NoMoreThanTheNodesCpusCanRun()
    {
        // One core per call on 2 cores: a second container adds a core, a third adds nothing.
        var cpu = new CpuView(CpuShare: 1, NodeCpus: 2, NodeBusy: 0.5);

        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 2, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 15, starting: 1, busy: 1, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_WaitingFnOnSaturatedNode_AContainerForEachWaitingCall()
    {
        var cpu = new CpuView(CpuShare: 0.01, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.01, FastestCallMs: 150);

        Assert.Equal(15, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 4, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_WaitingFnWithStartsSlowerThanItsCalls_GrowsToItsDemandAnyway()
    {
        // 200 ms calls, 4 s starts: by call and start times alone 3 busy containers serve 60 waiting calls in a start time.
        var cpu = new CpuView(CpuShare: 0.005, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.005, FastestCallMs: 150);

        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 3, callEstimateMs: 200, startEstimateMs: 4000));
        Assert.Equal(60, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 3, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_WaitingFn_OnlyForCallsNoStartServesYet()
    {
        var cpu = new CpuView(CpuShare: 0.005, NodeCpus: 2, NodeBusy: 0.5, PeakShare: 0.005, FastestCallMs: 150);

        Assert.Equal(4, LaunchPolicy.ContainersToStart(waiting: 10, starting: 6, busy: 3, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 6, starting: 6, busy: 3, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_WaitingFn_NoMoreThanTheNodeStartsWithoutAWait()
    {
        var cpu = new CpuView(CpuShare: 0.005, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.005, FastestCallMs: 150);

        Assert.Equal(8, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 3, callEstimateMs: 200, startEstimateMs: 4000, cpu, new LaunchRoom(8, MemoryShort: false)));

        // No room: what call and start times ask (here one more, for calls the busy ones cannot serve in a start time).
        Assert.Equal(
            LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 1, callEstimateMs: 200, startEstimateMs: 4000),
            LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 1, callEstimateMs: 200, startEstimateMs: 4000, cpu, new LaunchRoom(0, MemoryShort: false)));
        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 1, callEstimateMs: 200, startEstimateMs: 4000, cpu, new LaunchRoom(-3, MemoryShort: false)));
    }

    [Fact]
    public void ContainersToStart_WaitingFnWhoseStartWaitsForMemory_OnlyWhatCallAndStartTimesAsk()
    {
        var cpu = new CpuView(CpuShare: 0.005, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.005, FastestCallMs: 150);

        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 60, starting: 1, busy: 16, callEstimateMs: 200, startEstimateMs: 4000, cpu, new LaunchRoom(8, MemoryShort: true)));
    }

    [Fact]
    public void ContainersToStart_FnThatWaitsForMostOfItsCalls_NoMoreThanTheNodesCpusCanRun()
    {
        // A tenth of each call on the CPU, 2 CPUs: 20 containers at most.
        var cpu = new CpuView(CpuShare: 0.1, NodeCpus: 2, NodeBusy: 0.5, PeakShare: 0.1, FastestCallMs: 150);

        Assert.Equal(6, LaunchPolicy.ContainersToStart(waiting: 40, starting: 4, busy: 10, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 40, starting: 0, busy: 20, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_FastFnWhoseCallsWaitedForBusyCpus_OnlyWhatCallAndStartTimesAsk()
    {
        // On average a call spends 2% of its time on the CPU, but the least delayed one spent half.
        var cpu = new CpuView(CpuShare: 0.02, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.5, FastestCallMs: 150);

        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 4, callEstimateMs: 20, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_FastFnWhoseLeastDelayedCallComputesOnSaturatedNode_NoneMore()
    {
        // A run's figures: 63 calls waiting on 1 busy container, calls 1.1 ms (the oldest running 13 ms), starts 515 ms,
        // 0.16 of each call on the CPU on average but 0.49 in the least delayed one, the CPUs 93% busy.
        var cpu = new CpuView(CpuShare: 0.16, NodeCpus: 2, NodeBusy: 0.93, PeakShare: 0.49, FastestCallMs: 0.5);

        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 63, starting: 0, busy: 1, callEstimateMs: 13, startEstimateMs: 515));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 63, starting: 0, busy: 1, callEstimateMs: 13, startEstimateMs: 515, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_FastFnWhoseLeastDelayedCallComputesWithCpuToSpare_NoMoreThanItsPeakShareFills()
    {
        // Half a core per call at its least delayed, 2 cores: 4 containers at most, not the 12 its average (0.16) would allow.
        var cpu = new CpuView(CpuShare: 0.16, NodeCpus: 2, NodeBusy: 0.5, PeakShare: 0.5, FastestCallMs: 0.5);

        Assert.Equal(2, LaunchPolicy.ContainersToStart(waiting: 200, starting: 0, busy: 2, callEstimateMs: 13, startEstimateMs: 515, cpu, Room));
        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 200, starting: 1, busy: 3, callEstimateMs: 13, startEstimateMs: 515, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_FastFnWhoseCallsAreMostlyThePlatformsTime_OnlyWhatCallAndStartTimesAsk()
    {
        // Its calls barely use the CPU, but even the fastest takes 2 ms: forwarding, not waiting of its own.
        var cpu = new CpuView(CpuShare: 0.05, NodeCpus: 2, NodeBusy: 1, PeakShare: 0.1, FastestCallMs: 2);

        Assert.Equal(0, LaunchPolicy.ContainersToStart(waiting: 60, starting: 0, busy: 4, callEstimateMs: 5, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_WaitingFnWithNoContainerLeft_StartsForEveryWaitingCall()
    {
        var cpu = new CpuView(CpuShare: 0.005, NodeCpus: 2, NodeBusy: 0.5, PeakShare: 0.005, FastestCallMs: 150);

        Assert.Equal(5, LaunchPolicy.ContainersToStart(waiting: 5, starting: 0, busy: 0, callEstimateMs: 200, startEstimateMs: 4000, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_CpuNotMeasuredYet_AsWithoutCpu()
    {
        var cpu = new CpuView(CpuShare: null, NodeCpus: 2, NodeBusy: 1);

        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 15, starting: 0, busy: 1, callEstimateMs: 1000, startEstimateMs: 300, cpu, Room));
    }

    [Fact]
    public void ContainersToStart_FirstContainerOfCpuBoundFnOnSaturatedNode_StillOne()
    {
        var cpu = new CpuView(CpuShare: 1, NodeCpus: 2, NodeBusy: 1);

        Assert.Equal(1, LaunchPolicy.ContainersToStart(waiting: 3, starting: 0, busy: 0, callEstimateMs: 0, startEstimateMs: 300, cpu, Room));
    }
}
