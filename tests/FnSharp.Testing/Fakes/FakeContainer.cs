using FnSharp.Agent.Drivers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Fakes;

/// <summary>One fake container: a Kestrel on a unix socket, serving the driver's handler for its fn.</summary>
public sealed partial class FakeContainer : IFnContainer
{
    private long _cpuTicks;

    private static int s_next;

    private readonly FakeContainerDriver _driver;
    private readonly string _directory;
    private readonly Lock _lock = new();
    private WebApplication? _app;

    internal FakeContainer(FakeContainerDriver driver, ContainerSpec spec)
    {
        _driver = driver;
        Spec = spec;
        Id = "fake-" + Interlocked.Increment(ref s_next);
        _directory = TestDirectories.Create("fnsharp-fake-");
        SocketPath = Path.Combine(_directory, "lsnr.sock");
    }

    /// <summary>The container serving <paramref name="context"/>, a call inside a handler: for example to add the call's output with <see cref="AddCallLog"/>.</summary>
    public static FakeContainer Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (FakeContainer)context.Items[typeof(FakeContainer)]!;
    }

    /// <summary>What the container was created for.</summary>
    public ContainerSpec Spec { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public string SocketPath { get; }

    /// <inheritdoc/>
    public TimeSpan ReadyWait { get; private set; }

    /// <summary>Whether <see cref="RemoveAsync"/> has run.</summary>
    public bool Removed { get; private set; }

    /// <summary>Whether the container is paused now.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Counts <paramref name="cpu"/> of CPU time as used by the container (a handler calls this to play a call that computes).</summary>
    public void UseCpu(TimeSpan cpu) => Interlocked.Add(ref _cpuTicks, cpu.Ticks);

    /// <summary>The CPU time counted by <see cref="UseCpu"/>, when the driver <see cref="FakeContainerDriver.ReportsCpu"/>; else unknown, as for a driver that cannot tell.</summary>
    public TimeSpan? ReadCpuTime() => _driver.ReportsCpu ? TimeSpan.FromTicks(Volatile.Read(ref _cpuTicks)) : null;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _driver.StartEntered(1);
        try
        {
            if (_driver.StartHook is { } hook)
            {
                await hook(this, cancellationToken);
            }

            if (_driver.StartFailure is { } failure)
            {
                // Image failures' messages reach the caller, as the Docker driver's do: they name the image.
                throw new ContainerStartException(failure, failure is ContainerStartError.ImageNotFound or ContainerStartError.ImageUnauthorized
                    ? $"Failed to pull image '{Spec.Image}': fake start failure {failure}"
                    : $"fake start failure {failure}")
                {
                    // As the Docker driver's socket check does: the rule broken, in words the caller may read.
                    Reason = failure is ContainerStartError.InitFailed or ContainerStartError.NodeFault ? "fake reason" : null,
                };
            }

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath));
            var app = builder.Build();
            var handler = _driver.HandlerOf(Spec.FnId);
            app.MapPost("/call", context =>
            {
                _driver.CallEntered();
                context.Items[typeof(FakeContainer)] = this;
                context.Response.Headers[FakeContainerDriver.ContainerHeader] = Id;
                return handler(context);
            });
            await app.StartAsync(cancellationToken);
            ReadyWait = _driver.ReadyWait;
            bool removed;
            lock (_lock)
            {
                removed = Removed;
                if (!removed)
                {
                    _app = app;
                }
            }

            if (removed)
            {
                await app.StopAsync(new CancellationToken(canceled: true));
                await app.DisposeAsync();
            }
        }
        finally
        {
            _driver.StartEntered(-1);
        }
    }

    /// <inheritdoc/>
    public Task PauseAsync(CancellationToken cancellationToken)
    {
        IsPaused = true;
        _driver.Paused(true);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task UnpauseAsync(CancellationToken cancellationToken)
    {
        if (_driver.EngineDown)
        {
            // As the Docker driver reports an unpause the engine does not answer.
            return Task.FromException(new ContainerStartException(ContainerStartError.EngineUnavailable, "the fake engine does not answer"));
        }

        IsPaused = false;
        _driver.Paused(false);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (_driver.EngineDown)
        {
            throw new HttpRequestException("Connection refused (the fake engine does not answer)");
        }

        if (_driver.RemoveHook is { } hook)
        {
            await hook(this);
        }

        _driver.OperationEntered(1);
        try
        {
            await RemoveCoreAsync();
        }
        finally
        {
            _driver.OperationEntered(-1);
        }
    }

    private async Task RemoveCoreAsync()
    {
        WebApplication? app;
        lock (_lock)
        {
            Removed = true;
            app = _app;
            _app = null;
        }

        // Removal ends the container as docker rm -f does: exit code 137.
        Exit(new ContainerExit { ExitCode = 137, OomKilled = false, StderrTail = [] });

        if (app is not null)
        {
            // Like docker rm -f: calls in flight are cut off, not waited for.
            await app.StopAsync(new CancellationToken(canceled: true));
            await app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }

        _driver.Forget(this);
    }
}
