using FnSharp.Agent.Drivers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Fakes;

/// <summary>One fake container: a Kestrel on a unix socket, serving the driver's handler.</summary>
public sealed partial class FakeContainer : IFnContainer
{
    private static int s_next;

    private readonly FakeContainerDriver _driver;
    private readonly string _directory;
    private WebApplication? _app;

    internal FakeContainer(FakeContainerDriver driver, ContainerSpec spec)
    {
        _driver = driver;
        Spec = spec;
        Id = "fake-" + Interlocked.Increment(ref s_next);
        _directory = Directory.CreateTempSubdirectory("fnsharp-fake-").FullName;
        SocketPath = Path.Combine(_directory, "lsnr.sock");
    }

    /// <summary>What the container was created for.</summary>
    public ContainerSpec Spec { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public string SocketPath { get; }

    /// <summary>Whether <see cref="RemoveAsync"/> has run.</summary>
    public bool Removed { get; private set; }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_driver.StartFailure is { } failure)
        {
            throw new ContainerStartException(failure, $"fake start failure {failure}");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath));
        var app = builder.Build();
        app.MapPost("/call", context => _driver.Handler(context));
        await app.StartAsync(cancellationToken);
        _app = app;
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        Removed = true;
        _driver.Forget(this);
        Exit(new ContainerExit { ExitCode = 137, OomKilled = false, StderrTail = [] });
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
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
    }
}
