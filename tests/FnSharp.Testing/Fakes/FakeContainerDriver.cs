using System.Collections.Concurrent;
using FnSharp.Agent.Drivers;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Testing.Fakes;

/// <summary>
/// A container driver for tests without Docker (Fn's <c>drivers/mock</c>): each "container" is an
/// in-process Kestrel serving http-stream on a real unix socket in a temporary directory, answering
/// with <see cref="Handler"/> (or the fn's own handler from <see cref="SetHandler"/>). It records
/// every container created and removed, counts live containers per fn, and lets a test hold starts
/// (<see cref="StartHook"/>) and wait for a state with <see cref="WaitUntilAsync"/> instead of sleeping.
/// </summary>
public sealed class FakeContainerDriver : IContainerDriver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeContainer> _containers = new();
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _peakLive = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<(Func<FakeContainerDriver, bool> Condition, TaskCompletionSource Done)> _waits = [];
    private int _created;
    private int _starting;
    private int _calls;
    private int _pauses;
    private int _unpauses;
    private int _operations;
    private int _peakOperations;
    private int _unansweredCreates;
    private int _orphans;
    private int _orphanSweeps;
    private int _removedAll;
    private bool _engineDown;

    /// <summary>The response header in which every fake container names itself (its <see cref="FakeContainer.Id"/>).</summary>
    public const string ContainerHeader = "X-Fake-Container";

    /// <summary>Answers each <c>POST /call</c> of fns without their own handler; by default 200 with the request body echoed.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = context.Request.ContentType ?? "text/plain";
        await context.Request.Body.CopyToAsync(context.Response.Body);
    };

    /// <summary>When set, <see cref="IFnContainer.StartAsync"/> fails with this error instead of starting.</summary>
    public ContainerStartError? StartFailure { get; set; }

    /// <summary>Awaited by <see cref="RemoveAllAsync"/> before it ends, so that a test can hold the server's stop there; none by default.</summary>
    public Func<Task>? RemoveAllHook { get; set; }

    /// <summary>How many times <see cref="RemoveAllAsync"/> ran to its end.</summary>
    public int RemoveAllCount => Volatile.Read(ref _removedAll);

    /// <summary>
    /// When true, the engine does not answer, as during a restart: creating a container fails with
    /// <see cref="ContainerStartError.EngineUnavailable"/> (counted in <see cref="UnansweredCreates"/>) and
    /// removing one throws the <see cref="HttpRequestException"/> Docker's client throws, the container left as it is.
    /// </summary>
    public bool EngineDown
    {
        get => Volatile.Read(ref _engineDown);
        set => Volatile.Write(ref _engineDown, value);
    }

    /// <summary>How many creations were tried while <see cref="EngineDown"/>.</summary>
    public int UnansweredCreates => Volatile.Read(ref _unansweredCreates);

    /// <summary>
    /// Containers the fake engine holds that nobody was handed: each creation tried while <see cref="EngineDown"/>
    /// leaves one, as an engine that created a container and went away before it answered; <see cref="RemoveOrphansAsync"/> removes them.
    /// </summary>
    public int Orphans => Volatile.Read(ref _orphans);

    /// <summary>How many times <see cref="RemoveOrphansAsync"/> found the engine answering and swept.</summary>
    public int OrphanSweeps => Volatile.Read(ref _orphanSweeps);

    /// <summary>
    /// Runs at the start of every <see cref="IFnContainer.StartAsync"/>, before the socket listens:
    /// a test awaits a barrier here (and may advance a fake clock) to control when containers become ready.
    /// </summary>
    public Func<FakeContainer, CancellationToken, Task>? StartHook { get; set; }

    /// <summary>
    /// Runs at the start of every <see cref="IFnContainer.RemoveAsync"/>: a test awaits a task that never ends here to
    /// stand for an engine that accepts the removal and never answers.
    /// </summary>
    public Func<FakeContainer, Task>? RemoveHook { get; set; }

    /// <summary>What every container reports as its start's wait for the socket (<see cref="IFnContainer.ReadyWait"/>); zero by default.</summary>
    public TimeSpan ReadyWait { get; set; }

    /// <summary>Whether containers report their CPU time (<see cref="FakeContainer.UseCpu"/>); off by default, as for a driver that cannot tell.</summary>
    public bool ReportsCpu { get; set; }

    /// <summary>The specs of every container created, in order.</summary>
    public ConcurrentQueue<ContainerSpec> Created { get; } = new();

    /// <summary>How many containers were created.</summary>
    public int CreatedCount => Volatile.Read(ref _created);

    /// <summary>How many containers exist now (created and not yet removed).</summary>
    public int LiveCount => _containers.Count;

    /// <summary>How many containers are inside <see cref="IFnContainer.StartAsync"/> now.</summary>
    public int StartingCount => Volatile.Read(ref _starting);

    /// <summary>How many calls reached a container's handler.</summary>
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>How many times a container was paused.</summary>
    public int PauseCount => Volatile.Read(ref _pauses);

    /// <summary>How many times a container was unpaused.</summary>
    public int UnpauseCount => Volatile.Read(ref _unpauses);

    /// <summary>The most container operations (create, start, remove) that were in flight at once.</summary>
    public int PeakOperationsInFlight => Volatile.Read(ref _peakOperations);

    /// <summary>The containers that exist now.</summary>
    public IReadOnlyList<FakeContainer> Containers => [.. _containers.Values];

    /// <summary>Gives the containers of <paramref name="fnId"/> their own handler.</summary>
    public void SetHandler(string fnId, Func<HttpContext, Task> handler) => _handlers[fnId] = handler;

    /// <summary>Runs inside each create before the container exists (a test advances its clock here to give the create a duration).</summary>
    public Action<ContainerSpec>? CreateHook { get; set; }

    /// <summary>How many containers of <paramref name="fnId"/> were created.</summary>
    public int CreatedCountOf(string fnId) => Created.Count(s => s.FnId == fnId);

    /// <summary>How many containers of <paramref name="fnId"/> exist now.</summary>
    public int LiveCountOf(string fnId) => _containers.Values.Count(c => c.Spec.FnId == fnId);

    /// <summary>The most containers of <paramref name="fnId"/> that existed at once.</summary>
    public int PeakLiveCountOf(string fnId) => _peakLive.GetValueOrDefault(fnId);

    /// <summary>Completes when <paramref name="condition"/> holds; checked now and after every change of the driver's state.</summary>
    public Task WaitUntilAsync(Func<FakeContainerDriver, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waits.Add((condition, done));
        }

        // A failsafe against a hung test, not a timing assertion.
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc/>
    public Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (EngineDown)
        {
            Interlocked.Increment(ref _unansweredCreates);
            Interlocked.Increment(ref _orphans);
            Changed();
            return Task.FromException<IFnContainer>(new ContainerStartException(ContainerStartError.EngineUnavailable, "the fake engine does not answer"));
        }

        OperationEntered(1);
        CreateHook?.Invoke(spec);
        var container = new FakeContainer(this, spec);
        lock (_lock)
        {
            Interlocked.Increment(ref _created);
            Created.Enqueue(spec);
            _containers[container.Id] = container;
            _peakLive.AddOrUpdate(spec.FnId, 1, (_, peak) => Math.Max(peak, LiveCountOf(spec.FnId)));
        }

        OperationEntered(-1);
        Changed();
        return Task.FromResult<IFnContainer>(container);
    }

    /// <inheritdoc/>
    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    /// <inheritdoc/>
    public Task<int> RemoveOrphansAsync(CancellationToken cancellationToken)
    {
        if (EngineDown)
        {
            return Task.FromException<int>(new HttpRequestException("the fake engine does not answer"));
        }

        var removed = Interlocked.Exchange(ref _orphans, 0);
        Interlocked.Increment(ref _orphanSweeps);
        Changed();
        return Task.FromResult(removed);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The fake's containers are the runner's, which removes them itself: this removes the orphans it counts when the
    /// engine answers (left when it does not, as the real drivers log and leave them), after <see cref="RemoveAllHook"/>.
    /// </remarks>
    public async Task RemoveAllAsync()
    {
        if (RemoveAllHook is { } hook)
        {
            await hook();
        }

        if (!EngineDown)
        {
            Interlocked.Exchange(ref _orphans, 0);
        }

        Interlocked.Increment(ref _removedAll);
        Changed();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers.Values)
        {
            await container.RemoveAsync(CancellationToken.None);
        }
    }

    internal Func<HttpContext, Task> HandlerOf(string fnId) => _handlers.TryGetValue(fnId, out var handler) ? handler : Handler;

    internal void Forget(FakeContainer container)
    {
        _containers.TryRemove(container.Id, out _);
        Changed();
    }

    internal void StartEntered(int delta)
    {
        Interlocked.Add(ref _starting, delta);
        OperationEntered(delta);
        Changed();
    }

    /// <summary>Counts a container operation in (+1) or out (-1), keeping the peak.</summary>
    internal void OperationEntered(int delta)
    {
        var now = Interlocked.Add(ref _operations, delta);
        var peak = Volatile.Read(ref _peakOperations);
        while (now > peak && Interlocked.CompareExchange(ref _peakOperations, now, peak) != peak)
        {
            peak = Volatile.Read(ref _peakOperations);
        }
    }

    internal void CallEntered()
    {
        Interlocked.Increment(ref _calls);
        Changed();
    }

    internal void Paused(bool paused)
    {
        Interlocked.Increment(ref paused ? ref _pauses : ref _unpauses);
        Changed();
    }

    /// <summary>Completes the waits whose condition now holds.</summary>
    public void Changed()
    {
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            for (var i = _waits.Count - 1; i >= 0; i--)
            {
                if (_waits[i].Condition(this))
                {
                    done.Add(_waits[i].Done);
                    _waits.RemoveAt(i);
                }
            }
        }

        foreach (var completion in done)
        {
            completion.TrySetResult();
        }
    }
}
