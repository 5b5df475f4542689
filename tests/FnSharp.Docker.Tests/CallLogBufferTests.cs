using FnSharp.Agent.Drivers;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallLogBufferTests
{
    [Fact]
    public void Take_LinesOfACall_ReturnedOnceInOrder()
    {
        var buffer = new CallLogBuffer(linesPerCall: 10, linesKept: 40, tailLines: 10);
        buffer.Add("c1", Out("a"));
        buffer.Add("c2", Out("x"));
        buffer.Add("c1", Err("b"));

        Assert.Equal([Out("a"), Err("b")], buffer.Take("c1"));
        Assert.Empty(buffer.Take("c1"));
        Assert.Equal([Out("x")], buffer.Take("c2"));
    }

    [Fact]
    public void Add_MoreLinesThanTheLimit_LaterLinesDroppedAndCounted()
    {
        var buffer = new CallLogBuffer(linesPerCall: 2, linesKept: 8, tailLines: 10);
        foreach (var text in new[] { "1", "2", "3", "4", "5" })
        {
            buffer.Add("c1", Out(text));
        }

        buffer.Add("c2", Out("a"));
        buffer.Add("c2", Out("b"));
        buffer.Add("c2", Out("c"));

        Assert.Equal([Out("1"), Out("2"), Err("[fnsharp: log truncated at 2 lines per call, 3 lines dropped]")], buffer.Take("c1"));
        Assert.Equal([Out("a"), Out("b"), Err("[fnsharp: log truncated at 2 lines per call, 1 line dropped]")], buffer.Take("c2"));
    }

    [Fact]
    public void Add_ExactlyTheLimit_NoMarker()
    {
        var buffer = new CallLogBuffer(linesPerCall: 2, linesKept: 8, tailLines: 10);
        buffer.Add("c1", Out("1"));
        buffer.Add("c1", Out("2"));

        Assert.Equal([Out("1"), Out("2")], buffer.Take("c1"));
    }

    [Fact]
    public void Add_MoreLinesThanKept_CallsWrittenLongestAgoDropped()
    {
        var buffer = new CallLogBuffer(linesPerCall: 2, linesKept: 4, tailLines: 10);
        buffer.Add("c1", Out("1a"));
        buffer.Add("c2", Out("2a"));
        buffer.Add("c1", Out("1b"));
        buffer.Add("c2", Out("2b"));
        buffer.Add("c3", Out("3a"));

        Assert.Empty(buffer.Take("c1"));
        Assert.Equal([Out("2a"), Out("2b")], buffer.Take("c2"));
        Assert.Equal([Out("3a")], buffer.Take("c3"));
    }

    [Fact]
    public void Add_ManyCallsOfFewLinesBeforeAnyIsTaken_EveryCallKept()
    {
        // A busy container serves many calls during the output wait before the first is taken.
        var buffer = new CallLogBuffer(linesPerCall: 10, linesKept: 1000, tailLines: 10);
        for (var i = 0; i < 500; i++)
        {
            buffer.Add("c" + i, Out("line " + i));
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal([Out("line " + i)], buffer.Take("c" + i));
        }

        AssertAllRoomFree(buffer, linesPerCall: 10, linesKept: 1000);
    }

    [Fact]
    public void Take_EveryCall_NothingLeftBehind()
    {
        var buffer = new CallLogBuffer(linesPerCall: 3, linesKept: 6, tailLines: 10);
        for (var i = 0; i < 100; i++)
        {
            buffer.Add("c" + i, Out("a"));
            buffer.Add("c" + i, Err("b"));
            Assert.Equal(2, buffer.Take("c" + i).Count);
        }

        AssertAllRoomFree(buffer, linesPerCall: 3, linesKept: 6);
    }

    [Fact]
    public void StderrTail_ManyLines_LastOnesOfStderrOnly()
    {
        var buffer = new CallLogBuffer(linesPerCall: 10, linesKept: 20, tailLines: 2);
        buffer.Add(null, Err("start"));
        buffer.Add("c1", Out("stdout line"));
        buffer.Add("c1", Err("e1"));
        buffer.Add("c1", Err("e2"));

        Assert.Equal(["e1", "e2"], buffer.StderrTail());
    }

    /// <summary>
    /// Nothing was left behind by the calls taken: the buffer's whole room (<paramref name="linesKept"/>
    /// lines) holds new calls again, every line of each; a line still counted would push the oldest out.
    /// </summary>
    private static void AssertAllRoomFree(CallLogBuffer buffer, int linesPerCall, int linesKept)
    {
        var calls = linesKept / linesPerCall;
        for (var i = 0; i < calls; i++)
        {
            for (var j = 0; j < linesPerCall; j++)
            {
                buffer.Add("new" + i, Out("n" + j));
            }
        }

        for (var i = 0; i < calls; i++)
        {
            Assert.Equal(linesPerCall, buffer.Take("new" + i).Count);
        }
    }

    private static ContainerLogLine Out(string text) => new(ContainerOutput.Stdout, text);

    private static ContainerLogLine Err(string text) => new(ContainerOutput.Stderr, text);
}
