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
        Begin(Call("01CALL"));
        _frame.Out.WriteLine("hello");
        _frame.Error.WriteLine("oops");

        Assert.Equal(Marker1 + "hello\n", _stdout.ToString());
        Assert.Equal(Marker1 + "oops\n", _stderr.ToString());
    }

    [Fact]
    public void Begin_CallWritesNothing_NoMarker()
    {
        Begin(Call("01CALL"));

        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public void Begin_CallWritesToStderrOnly_StdoutGetsNoMarker()
    {
        Begin(Call("01CALL"));
        _frame.Error.Write("oops\n");

        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Equal(Marker1 + "oops\n", _stderr.ToString());
    }

    [Fact]
    public void Begin_SeveralWritesInACall_OneMarker()
    {
        Begin(Call("01CALL"));
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
        Begin(Call("01CALL"));
        await console.WriteLineAsync("one");
        Begin(Call("02CALL"));
        await console.WriteAsync("two".AsMemory());

        Assert.Equal(Marker1 + "one\n" + Marker2 + "two", _stdout.ToString());
    }

    [Fact]
    public void Begin_SilentCallBetweenTwoThatWrite_ItsMarkerNeverWritten()
    {
        Begin(Call("01CALL"));
        _frame.Out.WriteLine("first");
        Begin(Call("SILENT"));
        Begin(Call("02CALL"));
        _frame.Out.WriteLine("third");

        Assert.Equal(Marker1 + "first\n" + Marker2 + "third\n", _stdout.ToString());
    }

    [Fact]
    public void Begin_EmptyWrite_NoMarker()
    {
        Begin(Call("01CALL"));
        _frame.Out.Write(string.Empty);
        _frame.Out.Write(ReadOnlySpan<char>.Empty);

        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public void Begin_HeaderAbsent_TextWrittenWithoutMarker()
    {
        Begin(Call("01CALL"));
        Begin(new HeaderDictionary());
        _frame.Out.WriteLine("unmarked");

        Assert.Equal("unmarked\n", _stdout.ToString());
    }

    [Fact]
    public void Begin_LastCallLeftAnUnfinishedLine_EndedAtTheNextCallsStart()
    {
        // As Fn's marker at every call's start ends it: the platform then has the line while it collects that call's log.
        Begin(Call("01CALL"));
        _frame.Out.Write("unfinished");
        Begin(Call("SILENT"));

        Assert.Equal(Marker1 + "unfinished\n", _stdout.ToString());
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public void Begin_UnfinishedLineThenACallThatWrites_LineEndedOnceBeforeTheMarker()
    {
        Begin(Call("01CALL"));
        _frame.Out.Write("unfinished");
        Begin(Call("02CALL"));
        _frame.Out.WriteLine("next");

        Assert.Equal(Marker1 + "unfinished\n" + Marker2 + "next\n", _stdout.ToString());
    }

    [Fact]
    public void Begin_FunctionReplacedTheConsolesStdout_MarkerWrittenThereAtTheCallsStart()
    {
        // A function that calls Console.SetOut writes around the marking writer: it gets the marker at every call's
        // start, as from Fn's FDKs; stderr, still the marking writer, stays lazy.
        using var replacement = new StringWriter();
        _frame.Begin(Call("01CALL"), replacement, _frame.Error);
        replacement.WriteLine("hello");

        Assert.Equal(Marker1 + "hello\n", replacement.ToString());
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public void Begin_EveryCallAsked_MarkerWrittenAtTheStartOfASilentCall()
    {
        var frame = new LogFrame("fnsharp-frame", "Fn-Call-Id", _stdout, _stderr, everyCall: true);

        frame.Begin(Call("01CALL"), frame.Out, frame.Error);
        frame.Out.WriteLine("hello");

        Assert.Equal(Marker1 + "hello\n", _stdout.ToString());
        Assert.Equal(Marker1, _stderr.ToString());
    }

    [Fact]
    public void Begin_ThreadsWritingAtOnceThroughTheConsolesWrapper_OneMarkerFirstAndEveryLineWhole()
    {
        var console = TextWriter.Synchronized(_frame.Out);
        Begin(Call("01CALL"));

        Parallel.For(0, 8, thread =>
        {
            for (var i = 0; i < 200; i++)
            {
                console.WriteLine($"thread {thread} line {i}");
            }
        });

        var text = _stdout.ToString();
        Assert.StartsWith(Marker1, text, StringComparison.Ordinal);
        var lines = text[Marker1.Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, line => Assert.Matches("^thread [0-7] line [0-9]+$", line));
    }

    private void Begin(HeaderDictionary headers) => _frame.Begin(headers, _frame.Out, _frame.Error);

    private static HeaderDictionary Call(string id) => new() { ["Fn-Call-Id"] = id };
}
