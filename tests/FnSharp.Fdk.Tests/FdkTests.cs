using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FdkTests : IAsyncLifetime
{
    private readonly FdkServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unix:")]
    [InlineData("tcp:8080")]
    public void ListenerPath_NotUnixPath_ClearError(string? listener)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Fdk.ListenerPath(listener));

        Assert.Contains("FN_LISTENER must be unix:/path/to/lsnr.sock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenerPath_UnixPath_ThePath() => Assert.Equal("/tmp/iofs/lsnr.sock", Fdk.ListenerPath("unix:/tmp/iofs/lsnr.sock"));

    [Fact]
    public async Task ServeAsync_Started_LinksLsnrSockToWorldWritablePhonySocket()
    {
        await _server.StartAsync(Fdk.Text((_, input) => Task.FromResult(input)));

        var link = new FileInfo(_server.SocketPath);
        Assert.Equal("phonylsnr.sock", link.LinkTarget);
        var mode = File.GetUnixFileMode(Path.Combine(_server.Directory, "phonylsnr.sock"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, mode);
    }

    [Fact]
    public async Task ServeAsync_Call_HandlerSeesCallIdAndDeadlineAndAnswerCarriesFdkHeaders()
    {
        FnContext? seen = null;
        await _server.StartAsync(Fdk.Text((context, input) =>
        {
            seen = context;
            context.ResponseContentType = "application/json";
            return Task.FromResult("{\"got\":\"" + input + "\"}");
        }));
        var deadline = new DateTimeOffset(2099, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

        using var response = await _server.CallAsync("hi", deadline);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("{\"got\":\"hi\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Fdk.Version, response.Headers.GetValues("Fn-Fdk-Version").Single());
        Assert.StartsWith("dotnet/", response.Headers.GetValues("Fn-Fdk-Runtime").Single(), StringComparison.Ordinal);
        Assert.NotNull(seen);
        Assert.Equal("call-7", seen.CallId);
        Assert.Equal(deadline, seen.Deadline);
    }

    [Fact]
    public async Task ServeAsync_TextHandler_TextPlainUtf8()
    {
        await _server.StartAsync(Fdk.Text((_, input) => Task.FromResult(input + " ✓")));

        using var response = await _server.CallAsync("grüß", FdkServer.NoDeadline);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("grüß ✓", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_HandlerThrows_502WithJsonMessage()
    {
        await _server.StartAsync(Fdk.Text((_, _) => throw new InvalidOperationException("boom \"quoted\"")));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline);

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("InvalidOperationException: boom \"quoted\"", document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ServeAsync_HandlerSetsRawStatusAndHeaders_AnswerCarriesThem()
    {
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            context.ResponseStatusCode = 504;
            context.ResponseHeaders["Fn-Http-Status"] = "418";
            context.ResponseHeaders["Fn-Http-H-X-Test"] = "yes";
            return Task.FromResult("late");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline);

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("418", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("yes", response.Headers.GetValues("Fn-Http-H-X-Test").Single());
        Assert.Equal("late", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_HandlerCancelledAtDeadline_504TimedOut()
    {
        await _server.StartAsync(Fdk.Text(async (context, _) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return "never";
        }));

        using var response = await _server.CallAsync("x", DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("{\"message\":\"Timed out\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_DeadlinePassed_HandlerTokenCancelled()
    {
        var cancelled = false;
        await _server.StartAsync(Fdk.Text(async (context, _) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }

            return "done";
        }));

        // The deadline passes while the handler waits (a deadline already past on arrival can cancel the body's read
        // before the handler runs, and the FDK then answers 504 itself: a race this test must not depend on).
        using var response = await _server.CallAsync("x", DateTimeOffset.UtcNow.AddMilliseconds(500));

        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        Assert.True(cancelled);
    }

    [Fact]
    public async Task ServeAsync_BytesHandler_BinaryBodyBothWays()
    {
        byte[] body = [0, 1, 2, 0xFF, 0xFE, 0x80];
        await _server.StartAsync(Fdk.Bytes((_, input) => Task.FromResult(input.Reverse().ToArray())));

        using var response = await _server.CallAsync(body, FdkServer.NoDeadline);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x80, 0xFE, 0xFF, 2, 1, 0 }, await response.Content.ReadAsByteArrayAsync());
    }
}
