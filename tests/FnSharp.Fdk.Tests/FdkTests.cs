using System.Text;
using FnSharp.Agent.Protocol;
using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FdkTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnsharp-fdk-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    private string SocketPath => Path.Combine(_directory, "lsnr.sock");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving;
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

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
        await StartAsync((_, input) => Task.FromResult(input));

        var link = new FileInfo(SocketPath);
        Assert.Equal("phonylsnr.sock", link.LinkTarget);
        var mode = File.GetUnixFileMode(Path.Combine(_directory, "phonylsnr.sock"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, mode);
    }

    [Fact]
    public async Task ServeAsync_Call_HandlerSeesCallIdAndDeadlineAndAnswerCarriesFdkHeaders()
    {
        FnContext? seen = null;
        await StartAsync((context, input) =>
        {
            seen = context;
            context.ResponseContentType = "application/json";
            return Task.FromResult("{\"got\":\"" + input + "\"}");
        });
        var deadline = new DateTimeOffset(2099, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

        using var response = await CallAsync("hi", deadline);

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
    public async Task ServeAsync_HandlerThrows_502WithJsonMessage()
    {
        await StartAsync((_, _) => throw new InvalidOperationException("boom \"quoted\""));

        using var response = await CallAsync("x", DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(502, (int)response.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("InvalidOperationException: boom \"quoted\"", document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ServeAsync_HandlerSetsStatusAndHeaders_AnswerCarriesThem()
    {
        await StartAsync((context, _) =>
        {
            context.ResponseStatusCode = 504;
            context.ResponseHeaders["Fn-Http-Status"] = "418";
            context.ResponseHeaders["Fn-Http-H-X-Test"] = "yes";
            return Task.FromResult("late");
        });

        using var response = await CallAsync("x", DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("418", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("yes", response.Headers.GetValues("Fn-Http-H-X-Test").Single());
        Assert.Equal("late", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_HandlerCancelledAtDeadline_504TimedOut()
    {
        await StartAsync(async (context, _) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return "never";
        });

        using var response = await CallAsync("x", DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("{\"message\":\"Timed out\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_DeadlinePassed_HandlerTokenCancelled()
    {
        var cancelled = false;
        await StartAsync(async (context, _) =>
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
        });

        using var response = await CallAsync("x", DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        Assert.True(cancelled);
    }

    private async Task StartAsync(Func<FnContext, string, Task<string>> handler)
    {
        var watcher = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fsw = new FileSystemWatcher(_directory) { EnableRaisingEvents = true };
        fsw.Created += (_, e) =>
        {
            if (e.Name == "lsnr.sock")
            {
                watcher.TrySetResult();
            }
        };
        _serving = Fdk.ServeAsync("unix:" + SocketPath, handler, _stop.Token);
        await Task.WhenAny(watcher.Task, _serving);
        await (_serving.IsFaulted ? _serving : watcher.Task);
    }

    private async Task<HttpResponseMessage> CallAsync(string body, DateTimeOffset deadline)
    {
        using var client = new HttpStreamClient(SocketPath);
        var content = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return await client.SendAsync("call-7", deadline, [], content, content.Length, CancellationToken.None);
    }
}
