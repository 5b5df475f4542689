using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogFrameSplitterTests
{
    [Fact]
    public void Push_OutputOfTwoCalls_EachLineAttributedToItsCall()
    {
        // What an FDK writes: start-up output, then "\nframe=<id>\n" before each call's output.
        var output = Split("frame", "serving", "", "frame=call-1", "one", "two", "", "frame=call-2", "three");

        Assert.Equal(
            [(null, "serving"), ("call-1", "one"), ("call-1", "two"), ("call-2", "three")],
            output);
    }

    [Fact]
    public void Push_EmptyLineNotBeforeAMarker_Kept()
    {
        var output = Split("frame", "", "frame=call-1", "a", "", "b", "");

        Assert.Equal([("call-1", "a"), ("call-1", ""), ("call-1", "b"), ("call-1", "")], output);
    }

    [Fact]
    public void Push_LineOfAnotherFrameNameOrEmptyId_OrdinaryOutput()
    {
        var output = Split("frame", "frame=call-1", "framex=call-2", "frame=", "other=call-3");

        Assert.Equal([("call-1", "framex=call-2"), ("call-1", "frame="), ("call-1", "other=call-3")], output);
    }

    private static List<(string? CallId, string Text)> Split(string frameName, params string[] lines)
    {
        var splitter = new LogFrameSplitter(frameName);
        var output = new List<(string? CallId, string Text)>();
        foreach (var line in lines)
        {
            splitter.Push(line, output);
        }

        splitter.Flush(output);
        return output;
    }
}
