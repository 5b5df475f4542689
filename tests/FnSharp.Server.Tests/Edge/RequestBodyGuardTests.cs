using System.IO.Pipelines;
using FnSharp.Core.Errors;
using FnSharp.Server.Edge;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Edge;

/// <summary>The pace of request bodies by windows of waiting, on a fake clock and a body the test feeds.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RequestBodyGuardTests : IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly ApiError TooSlow = new(408, "too slow");

    private readonly FakeTimeProvider _time = new();
    private readonly Pipe _client = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
    private readonly RequestBodyGuard _body;
    private readonly byte[] _buffer = new byte[1024 * 1024];
    private int _stalls;

    public RequestBodyGuardTests()
    {
        // 2400 bytes per window of 10 s: 240 bytes per second.
        _body = new RequestBodyGuard(_client.Reader, Window, 2400, TooSlow, _time, () => _stalls++);
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        await _client.Writer.CompleteAsync();
    }

    [Fact]
    public async Task ReadAsync_NothingAtAll_408AfterOneWindowOfWaiting()
    {
        var waiting = _body.ReadAsync(_buffer).AsTask();

        _time.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var e = await Assert.ThrowsAsync<BadHttpRequestException>(() => waiting);
        Assert.Equal((408, "too slow"), (e.StatusCode, e.Message));
        Assert.Equal(1, _stalls);
    }

    [Fact]
    public async Task ReadAsync_HalfAtOnceThenNothing_408AtTheEndOfTheNextWindow()
    {
        // The window the half came in is paid for; the next, empty, is not.
        await SendAsync(500_000);
        Assert.Equal(500_000, await ReadAllAvailableAsync());
        var waiting = _body.ReadAsync(_buffer).AsTask();

        _time.Advance(Window);
        _time.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var e = await Assert.ThrowsAsync<BadHttpRequestException>(() => waiting);
        Assert.Equal((408, "too slow"), (e.StatusCode, e.Message));
        await Assert.ThrowsAsync<BadHttpRequestException>(() => _body.ReadAsync(_buffer).AsTask());
    }

    [Fact]
    public async Task ReadAsync_AByteNowAndThenAfterABurst_408WhenAWindowBroughtTooLittle()
    {
        // Kestrel's average from the first byte would stay above 240 bytes per second for hours here.
        await SendAsync(500_000);
        await ReadAllAvailableAsync();
        Exception? failure = null;
        var waited = TimeSpan.Zero;
        while (failure is null && waited < TimeSpan.FromMinutes(1))
        {
            var waiting = _body.ReadAsync(_buffer).AsTask();
            for (var second = 0; second < 4; second++)
            {
                // A second at a time: the window's timer fires when it is due, not at the end of a longer jump.
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            waited += TimeSpan.FromSeconds(4);
            await SendAsync(1);
            failure = await Record.ExceptionAsync(() => waiting);
        }

        // The first window holds the burst; the second, of bytes one by one, fails when it ends.
        Assert.Equal(408, Assert.IsType<BadHttpRequestException>(failure).StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), waited);
    }

    [Fact]
    public async Task ReadAsync_SlowButAboveThePace_EveryByteRead()
    {
        var read = 0;
        for (var second = 0; second < 35; second++)
        {
            var waiting = _body.ReadAsync(_buffer).AsTask();
            _time.Advance(TimeSpan.FromSeconds(1));
            await SendAsync(300);
            read += await waiting;
        }

        Assert.Equal(35 * 300, read);
    }

    [Fact]
    public async Task ReadAsync_ReaderBusyElsewhereForAnHour_NotCountedAgainstTheClient()
    {
        await SendAsync(10);
        await ReadAllAvailableAsync();

        // The application did not read meanwhile (a container busy with the start of the body, say).
        _time.Advance(TimeSpan.FromHours(1));
        await SendAsync(3000);

        Assert.Equal(3000, await ReadAllAvailableAsync());
    }

    [Fact]
    public async Task ReadAsync_KestrelsPlainIOExceptionForABadChunk_400()
    {
        await using var guard = new RequestBodyGuard(new ThrowingReader(new IOException("Bad chunk size data.", new OverflowException())), Window, 2400, TooSlow, _time);

        var e = await Assert.ThrowsAsync<BadHttpRequestException>(() => guard.ReadAsync(_buffer).AsTask());

        Assert.Equal((400, "malformed request body: Bad chunk size data."), (e.StatusCode, e.Message));
    }

    [Fact]
    public async Task ReadAsync_CallerCancels_CancelledNot408AndTheBodyStillReadable()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _body.ReadAsync(_buffer, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await SendAsync(7);
        Assert.Equal(7, await _body.ReadAsync(_buffer));
    }

    [Fact]
    public async Task ReadAsync_Stalled_TheReadEndsTheWayThePipeExpects()
    {
        // A read ended by a token instead would leave the pipe reading: Kestrel's end of the request then failed
        // with "Reading is already in progress", an error with its stack trace for each stalled client.
        await SendAsync(10);
        await ReadAllAvailableAsync();
        var waiting = _body.ReadAsync(_buffer).AsTask();
        _time.Advance(Window);
        await Assert.ThrowsAsync<BadHttpRequestException>(() => waiting);

        await SendAsync(5);
        Assert.True(_client.Reader.TryRead(out var rest));
        Assert.Equal(5, rest.Buffer.Length);
        _client.Reader.AdvanceTo(rest.Buffer.End);
    }

    [Fact]
    public async Task ReadAsync_EndOfBody_ZeroWithoutWaiting()
    {
        await SendAsync(5);
        await _client.Writer.CompleteAsync();

        Assert.Equal(5, await _body.ReadAsync(_buffer));
        Assert.Equal(0, await _body.ReadAsync(_buffer));
    }

    private async Task SendAsync(int bytes) => await _client.Writer.WriteAsync(new byte[bytes]);

    /// <summary>Reads what the client sent so far, without waiting for more.</summary>
    private async Task<int> ReadAllAvailableAsync()
    {
        var total = 0;
        while (_client.Reader.TryRead(out var result))
        {
            // Put it back for the guard to read: TryRead only looks.
            _client.Reader.AdvanceTo(result.Buffer.Start);
            if (result.Buffer.IsEmpty)
            {
                break;
            }

            total += await _body.ReadAsync(_buffer);
        }

        return total;
    }

    /// <summary>A body whose every read throws what Kestrel's chunked reader throws for a chunk size it cannot count.</summary>
    private sealed class ThrowingReader(IOException failure) : PipeReader
    {
        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => throw failure;

        public override bool TryRead(out ReadResult result) => throw failure;

        public override void AdvanceTo(SequencePosition consumed)
        {
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
