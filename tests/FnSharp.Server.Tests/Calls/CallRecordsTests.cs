using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Calls;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallRecordsTests
{
    [Fact]
    public void FormatLog_UnderTheCap_OneLinePerLineInOrder() =>
        Assert.Equal("out\nerr\n\nlast\n", CallRecords.FormatLog([Out("out"), Err("err"), Out(""), Out("last")], maxBytes: 100));

    [Fact]
    public void FormatLog_ExactlyTheCap_KeptWhole() =>
        Assert.Equal("abc\nde\n", CallRecords.FormatLog([Out("abc"), Out("de")], maxBytes: 7));

    [Fact]
    public void FormatLog_OverTheCap_CutAtALineWithTheMarker() =>
        Assert.Equal(
            "abc\n[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=6, 2 lines dropped]\n",
            CallRecords.FormatLog([Out("abc"), Out("de"), Out("f")], maxBytes: 6));

    [Fact]
    public void FormatLog_CapCountsUtf8Bytes_MultiByteLineDropped() =>
        Assert.Equal(
            "é\n[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=4, 1 line dropped]\n",
            CallRecords.FormatLog([Out("é"), Err("€")], maxBytes: 4));

    [Fact]
    public void FormatLog_FirstLineOverTheCap_OnlyTheMarker() =>
        Assert.Equal(
            "[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=1, 1 line dropped]\n",
            CallRecords.FormatLog([Out("too long")], maxBytes: 1));

    [Fact]
    public void FormatLog_NoLines_Null() => Assert.Null(CallRecords.FormatLog([], maxBytes: 10));

    [Fact]
    public void Timeline_ColdSyncCall_StartingCarvedOutOfTheWait()
    {
        var call = new Call { Id = "a", Type = CallTypes.Sync, CreatedAt = T0 };
        var execution = new CallExecution(new NoContainer(), "a", T0.AddMilliseconds(300)) { StartKind = StartKind.Cold, StartPhases = new ContainerStartPhases(100, 120, 40) };

        var timeline = CallRecords.Timeline(call, execution, T0.AddMilliseconds(350));

        Assert.Equal([KeyValuePair.Create("waiting", 40L), KeyValuePair.Create("starting", 260L), KeyValuePair.Create("running", 50L)], timeline);
    }

    [Fact]
    public void Timeline_DetachedWarmCall_QueuedFromArrivalToClaim()
    {
        var call = new Call { Id = "a", Type = CallTypes.Detached, CreatedAt = T0, StartedAt = T0.AddSeconds(2) };
        var execution = new CallExecution(new NoContainer(), "a", T0.AddMilliseconds(2005));

        var timeline = CallRecords.Timeline(call, execution, T0.AddMilliseconds(2105));

        Assert.Equal([KeyValuePair.Create("queued", 2000L), KeyValuePair.Create("waiting", 5L), KeyValuePair.Create("running", 100L)], timeline);
    }

    [Fact]
    public void WithStart_PrewarmedCall_KindAndPhasesButNoStartingInTheTimeline()
    {
        var call = new Call { Id = "a", CreatedAt = T0 };
        var execution = new CallExecution(new NoContainer(), "a", T0) { StartKind = StartKind.Prewarmed, StartPhases = new ContainerStartPhases(10.4, 20.6, 30) };

        var record = CallRecords.WithStart(call, execution, T0.AddMilliseconds(10));

        Assert.Equal("prewarmed", record.StartKind);
        Assert.Equal(new Dictionary<string, long> { ["create"] = 10, ["start"] = 21, ["ready"] = 30 }, record.StartPhasesMs);
        Assert.Equal(["waiting", "running"], record.TimelineMs!.Keys);
    }

    [Fact]
    public void WithStart_NoExecution_Unchanged()
    {
        var call = new Call { Id = "a", CreatedAt = T0 };

        Assert.Same(call, CallRecords.WithStart(call, null, T0));
    }

    [Fact]
    public void TakeLog_NoContainerAndAFailureLog_OneLineSayingWhyItsContainerWouldNotStart()
    {
        var log = CallRecords.TakeLog(new Call { Id = "c", FnId = "f", CreatedAt = T0 }, null, "container x exited with code 2 before it created lsnr.sock", maxBytes: 1000);

        Assert.Equal(new CallLog("c", "f", "[fnsharp] the call's container would not start: container x exited with code 2 before it created lsnr.sock\n"), log);
    }

    [Fact]
    public void TakeLog_NoContainerAndNoFailureLog_None() =>
        Assert.Null(CallRecords.TakeLog(new Call { Id = "c", FnId = "f", CreatedAt = T0 }, null, null, maxBytes: 1000));

    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static ContainerLogLine Out(string text) => new(ContainerOutput.Stdout, text);

    private static ContainerLogLine Err(string text) => new(ContainerOutput.Stderr, text);
}
