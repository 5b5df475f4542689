using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Fakes;

/// <summary>
/// A stand-in for the Docker engine on a unix socket in a temporary directory that answers only
/// <c>GET /_ping</c> (under any API version prefix) and <c>GET /version</c>, and 404 to anything else (as the
/// engine answers for a container it does not know); it can be stopped and
/// started again on the same path, so readiness tests never touch the real engine.
/// </summary>
public sealed class FakeDockerEngine : IAsyncDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-engine-");
    private WebApplication? _app;

    /// <summary>The socket's path.</summary>
    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>The endpoint for <c>FN_DOCKER_HOST</c>, for example <c>unix:///tmp/fnsharp-engine-x/docker.sock</c>.</summary>
    public string Endpoint => "unix://" + SocketPath;

    /// <summary>How many pings it answered.</summary>
    public int Pings => Volatile.Read(ref _pings);

    private int _pings;

    /// <summary>Starts answering on <see cref="SocketPath"/>.</summary>
    public async Task StartAsync()
    {
        File.Delete(SocketPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath));
        var app = builder.Build();
        app.MapMethods("{**path}", ["GET", "HEAD", "POST", "DELETE"], (HttpContext context, string? path) =>
        {
            if (path is not null && path.EndsWith("_ping", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _pings);
                context.Response.Headers["Api-Version"] = "1.47";
                return Results.Text("OK");
            }

            return path is not null && path.EndsWith("version", StringComparison.Ordinal)
                ? Results.Json(new { Version = "27.0.0-fake", ApiVersion = "1.47", MinAPIVersion = "1.24" })
                : Results.NotFound();
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Stops answering: the socket goes away, so connections are refused.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }

        File.Delete(SocketPath);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
