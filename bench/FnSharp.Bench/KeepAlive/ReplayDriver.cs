using FnSharp.Agent.Drivers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnSharp.Bench.KeepAlive;

/// <summary>
/// The fake container driver of the keep-alive replay: creating and starting a container costs nothing, and every
/// container's socket is one in-process Kestrel on one unix socket that answers each call at once, so a day of
/// calls replays in seconds through the runner's real path (slot queues, launcher, dispatcher, the http-stream
/// client). It counts each container's memory for its life on the replay's clock (memory-seconds).
/// </summary>
internal sealed class ReplayDriver : IContainerDriver, IAsyncDisposable
{
    private readonly ReplayClock _clock;
    private readonly string _directory = Directory.CreateTempSubdirectory("fnsharp-bench-keepalive-").FullName;
    private readonly Lock _lock = new();
    private WebApplication? _app;
    private int _next;
    private int _live;
    private double _memoryMiBSeconds;

    public ReplayDriver(ReplayClock clock)
    {
        _clock = clock;
        SocketPath = Path.Combine(_directory, "lsnr.sock");
    }

    public string SocketPath { get; }

    /// <summary>Containers created.</summary>
    public int Created => Volatile.Read(ref _next);

    /// <summary>Containers created and not removed.</summary>
    public int Live => Volatile.Read(ref _live);

    /// <summary>The memory of removed containers times their lives, in MiB-seconds of the replay's clock.</summary>
    public double MemoryMiBSeconds
    {
        get
        {
            lock (_lock)
            {
                return _memoryMiBSeconds;
            }
        }
    }

    public async Task StartAsync()
    {
        // No configuration file watched: inotify instances are few on a shared machine, and nothing here reloads.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _directory, Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath));
        var app = builder.Build();
        app.MapPost("/call", (HttpContext context) =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        _app = app;
    }

    public Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _live);
        return Task.FromResult<IFnContainer>(new Container(this, "replay-" + Interlocked.Increment(ref _next), spec.MemoryMiB, _clock.GetTimestamp()));
    }

    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>None: the replay's containers are never lost to an engine that went away.</summary>
    public Task<int> RemoveOrphansAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>None: the runner removes every container of the replay.</summary>
    public Task RemoveAllAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void Removed(int memoryMiB, long createdAt)
    {
        var seconds = (double)(_clock.GetTimestamp() - createdAt) / _clock.TimestampFrequency;
        lock (_lock)
        {
            _memoryMiBSeconds += memoryMiB * seconds;
        }

        Interlocked.Decrement(ref _live);
    }

    private sealed class Container(ReplayDriver driver, string id, int memoryMiB, long createdAt) : IFnContainer
    {
        private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id { get; } = id;

        public string SocketPath => driver.SocketPath;

        public TimeSpan ReadyWait => TimeSpan.Zero;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task UnpauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveAsync(CancellationToken cancellationToken)
        {
            if (_exit.TrySetResult(new ContainerExit { ExitCode = 137, OomKilled = false, StderrTail = [] }))
            {
                driver.Removed(memoryMiB, createdAt);
            }

            return Task.CompletedTask;
        }

        public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

        public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) => [];
    }
}
