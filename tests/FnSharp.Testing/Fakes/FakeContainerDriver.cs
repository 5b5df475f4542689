using System.Collections.Concurrent;
using FnSharp.Agent.Drivers;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Testing.Fakes;

/// <summary>
/// A container driver for tests without Docker (Fn's <c>drivers/mock</c>): each "container" is an
/// in-process Kestrel serving http-stream on a real unix socket in a temporary directory, answering
/// with <see cref="Handler"/>. It records every container created and removed.
/// </summary>
public sealed class FakeContainerDriver : IContainerDriver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeContainer> _containers = new();
    private int _created;

    /// <summary>Answers each <c>POST /call</c>; by default 200 with the request body echoed.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = context.Request.ContentType ?? "text/plain";
        await context.Request.Body.CopyToAsync(context.Response.Body);
    };

    /// <summary>When set, <see cref="IFnContainer.StartAsync"/> fails with this error instead of starting.</summary>
    public ContainerStartError? StartFailure { get; set; }

    /// <summary>The specs of every container created, in order.</summary>
    public ConcurrentQueue<ContainerSpec> Created { get; } = new();

    /// <summary>How many containers were created.</summary>
    public int CreatedCount => Volatile.Read(ref _created);

    /// <summary>How many containers exist now (created and not yet removed).</summary>
    public int LiveCount => _containers.Count;

    /// <inheritdoc/>
    public Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _created);
        Created.Enqueue(spec);
        var container = new FakeContainer(this, spec);
        _containers[container.Id] = container;
        return Task.FromResult<IFnContainer>(container);
    }

    /// <inheritdoc/>
    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers.Values)
        {
            await container.RemoveAsync(CancellationToken.None);
        }
    }

    internal void Forget(FakeContainer container) => _containers.TryRemove(container.Id, out _);
}
