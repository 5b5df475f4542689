using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Fdk.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogFrameTests
{
    private const string Marker1 = "\nfnsharp-frame=01CALL\n";
    private const string Marker2 = "\nfnsharp-frame=02CALL\n";

    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly LogFrame _frame;

    public LogFrameTests()
    {
        _frame = new LogFrame("fnsharp-frame", "Fn-Call-Id", _stdout, _stderr);
    }

    [Fact]
    public void Begin_CallWritesToBothStreams_EachStartsWithTheMarker()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Out.WriteLine("hello");
        _frame.Error.WriteLine("oops");

        Assert.Equal(Marker1 + "hello\n", _stdout.ToString());
        Assert.Equal(Marker1 + "oops\n", _stderr.ToString());
    }

    [Fact]
    public void Begin_CallWritesNothing_NoMarker()
    {
        _frame.Begin(Call("01CALL"));

        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public void Begin_CallWritesToStderrOnly_StdoutGetsNoMarker()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Error.Write("oops\n");

        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Equal(Marker1 + "oops\n", _stderr.ToString());
    }

    [Fact]
    public void Begin_SeveralWritesInACall_OneMarker()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Out.Write('a');
        _frame.Out.Write("b");
        _frame.Out.Write("c".AsSpan());
        _frame.Out.Write(['d'], 0, 1);
        _frame.Out.WriteLine(42);

        Assert.Equal(Marker1 + "abcd42\n", _stdout.ToString());
    }

    [Fact]
    public async Task Begin_AsyncWritesThroughTheConsolesSynchronizedWriter_MarkedAsSyncOnes()
    {
        // Console.SetOut wraps the writer so; its asynchronous writes call the synchronous ones.
        var console = TextWriter.Synchronized(_frame.Out);
        _frame.Begin(Call("01CALL"));
        await console.WriteLineAsync("one");
        _frame.Begin(Call("02CALL"));
        await console.WriteAsync("two".AsMemory());

        Assert.Equal(Marker1 + "one\n" + Marker2 + "two", _stdout.ToString());
    }

    [Fact]
    public void Begin_SilentCallBetweenTwoThatWrite_ItsMarkerNeverWritten()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Out.WriteLine("first");
        _frame.Begin(Call("SILENT"));
        _frame.Begin(Call("02CALL"));
        _frame.Out.WriteLine("third");

        Assert.Equal(Marker1 + "first\n" + Marker2 + "third\n", _stdout.ToString());
    }

    [Fact]
    public void Begin_EmptyWrite_NoMarker()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Out.Write(string.Empty);
        _frame.Out.Write(ReadOnlySpan<char>.Empty);

        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public void Begin_HeaderAbsent_TextWrittenWithoutMarker()
    {
        _frame.Begin(Call("01CALL"));
        _frame.Begin(new HeaderDictionary());
        _frame.Out.WriteLine("unmarked");

        Assert.Equal("unmarked\n", _stdout.ToString());
    }

    private static HeaderDictionary Call(string id) => new() { ["Fn-Call-Id"] = id };
}
