using FnSharp.Agent.Drivers;
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

    private static ContainerLogLine Out(string text) => new(ContainerOutput.Stdout, text);

    private static ContainerLogLine Err(string text) => new(ContainerOutput.Stderr, text);
}
