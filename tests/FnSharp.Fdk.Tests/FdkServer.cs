using System.Text;
using FnSharp.Agent.Protocol;
using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

/// <summary>One FDK served on a socket in a temporary directory, called as the platform calls it.</summary>
internal sealed class FdkServer : IAsyncDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-fdk-");
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public string Directory => _directory;

    public string SocketPath => Path.Combine(_directory, "lsnr.sock");

    /// <summary>A deadline far enough off never to pass during a test.</summary>
    public static DateTimeOffset NoDeadline => DateTimeOffset.UtcNow.AddMinutes(10);

    /// <summary>The headers with which FnSharp's /t route calls a function (see TriggerHeaders.ToContainer).</summary>
    public static List<KeyValuePair<string, string>> TriggerHeaders(string method, string url, params (string Name, string Value)[] clientHeaders)
    {
        var headers = clientHeaders
            .Select(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ? KeyValuePair.Create(h.Name, h.Value) : KeyValuePair.Create("Fn-Http-H-" + h.Name, h.Value))
            .ToList();
        headers.Add(KeyValuePair.Create("Fn-Http-Method", method));
        headers.Add(KeyValuePair.Create("Fn-Http-Request-Url", url));
        headers.Add(KeyValuePair.Create("Fn-Intent", "httprequest"));
        return headers;
    }

    /// <summary>Starts serving <paramref name="handler"/> and returns once <c>lsnr.sock</c> exists.</summary>
    public async Task StartAsync(Func<FnContext, Stream, Task<byte[]>> handler)
    {
        var linked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(_directory) { EnableRaisingEvents = true };
        watcher.Created += (_, e) =>
        {
            if (e.Name == "lsnr.sock")
            {
                linked.TrySetResult();
            }
        };
        _serving = Fdk.ServeAsync("unix:" + SocketPath, handler, _stop.Token);
        await Task.WhenAny(linked.Task, _serving);
        await (_serving.IsFaulted ? _serving : linked.Task);
    }

    public Task<HttpResponseMessage> CallAsync(string body, DateTimeOffset deadline, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        CallAsync(Encoding.UTF8.GetBytes(body), deadline, headers);

    public async Task<HttpResponseMessage> CallAsync(byte[] body, DateTimeOffset deadline, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var client = new HttpStreamClient(SocketPath);
        var content = new MemoryStream(body);
        return await client.SendAsync("call-7", deadline, headers ?? [], content, content.Length, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving;
        _stop.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
