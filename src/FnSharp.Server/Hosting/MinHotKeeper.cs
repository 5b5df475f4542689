using System.Collections.Concurrent;
using FnSharp.Agent.Runner;

namespace FnSharp.Server.Hosting;

/// <summary>
/// Tells the runner which fns keep containers hot (<c>fnsharp.io/min-hot</c>): every such fn at server
/// start (after the store opened), and each fn the API creates, updates or removes, or whose app it updates
/// or removes. A fn whose min-hot memory the node cannot keep is refused with 400 at create and update
/// (<see cref="Check"/>); one stored before (another node's memory, a lower <c>FN_MAX_TOTAL_MEMORY_BYTES</c>)
/// keeps as many containers as fit at start, with a warning naming the fn.
/// </summary>
internal sealed partial class MinHotKeeper(RunnerAgent agent, IServiceProvider services, ILogger<MinHotKeeper> logger) : BackgroundService
{
    // The fns kept hot and their apps, so that an app's update or removal reaches them.
    private readonly ConcurrentDictionary<string, string> _appOfFn = new(StringComparer.Ordinal);

    /// <summary>Refuses <paramref name="fn"/> when its min-hot containers need more memory than the node can keep hot for it.</summary>
    /// <exception cref="ApiException">400 naming the memory asked and the memory there is.</exception>
    public void Check(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var count = FnSharpAnnotations.MinHotOf(fn.Annotations) ?? 0;
        var available = agent.MinHotAvailableMiB(fn.Id);
        if (count > 0 && (long)count * fn.Memory > available)
        {
            throw new ApiException(ApiErrors.MinHotTooMuchMemory(count, fn.Memory, Math.Max(0, available), agent.TotalMemoryMiB));
        }
    }

    /// <summary>Keeps <paramref name="fn"/>'s min-hot containers hot in its configuration in <paramref name="app"/> (none when it asks for none), as many as fit.</summary>
    public void Keep(App app, Fn fn)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fn);
        var count = FnSharpAnnotations.MinHotOf(fn.Annotations) ?? 0;
        if (count == 0)
        {
            Forget(fn.Id);
            return;
        }

        var fits = fn.Memory == 0 ? count : (int)Math.Min(count, Math.Max(0, agent.MinHotAvailableMiB(fn.Id)) / fn.Memory);
        if (fits < count)
        {
            LogTooMuchMemory(logger, fn.Id, count, fn.Memory, fits);
        }

        _appOfFn[fn.Id] = app.Id;
        agent.KeepHot(app, fn, fits);
    }

    /// <summary>Stops keeping the fn <paramref name="fnId"/> hot (it was removed).</summary>
    public void Forget(string fnId)
    {
        _appOfFn.TryRemove(fnId, out _);
        agent.StopKeepingHot(fnId);
    }

    /// <summary>After an update of <paramref name="app"/>: its fns kept hot move to their new configuration (its config is theirs).</summary>
    public async Task AppChangedAsync(App app, IDataStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(store);
        foreach (var fnId in _appOfFn.Where(e => e.Value == app.Id).Select(e => e.Key).ToList())
        {
            if (await store.GetFnAsync(fnId, cancellationToken) is { } fn)
            {
                Keep(app, fn);
            }
        }
    }

    /// <summary>After the removal of the app <paramref name="appId"/>: its fns are gone.</summary>
    public void AppRemoved(string appId)
    {
        foreach (var fnId in _appOfFn.Where(e => e.Value == appId).Select(e => e.Key).ToList())
        {
            Forget(fnId);
        }
    }

    /// <summary>At start: every stored fn with <c>fnsharp.io/min-hot</c> gets its containers.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Resolved here: the store opens when the server starts (ServerLifetime, a hosted service before this one).
            var store = services.GetRequiredService<IDataStore>();
            var apps = new Dictionary<string, App?>(StringComparer.Ordinal);
            var filter = new ListFilter { PerPage = ListFilter.MaxPerPage };
            var kept = 0;
            while (true)
            {
                var page = await store.GetFnsAsync(filter, stoppingToken);
                foreach (var fn in page.Items.Where(f => FnSharpAnnotations.MinHotOf(f.Annotations) is > 0))
                {
                    if (!apps.TryGetValue(fn.AppId, out var app))
                    {
                        app = apps[fn.AppId] = await store.GetAppByIdAsync(fn.AppId, stoppingToken);
                    }

                    if (app is not null)
                    {
                        Keep(app, fn);
                        kept++;
                    }
                }

                if (!page.Full || page.Items.Count == 0)
                {
                    break;
                }

                var last = page.Items[^1];
                filter = filter with { AfterName = last.Name, AfterId = last.Id };
            }

            LogStarted(logger, kept);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before every fn was read.
        }
#pragma warning disable CA1031 // The server serves without its min-hot containers rather than stopping: logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogStartFailed(logger, e);
        }
    }

    // Event ids 1960-1969 belong to min-hot (1900-1919 are the cluster's membership).
    [LoggerMessage(1960, LogLevel.Information, "Keeping the containers of {Count} fn(s) hot (fnsharp.io/min-hot)")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(1961, LogLevel.Warning, "Fn {FnId} asks fnsharp.io/min-hot {MinHot} of {MemoryMiB} MiB, more than this node can keep hot: keeping {Fits}")]
    private static partial void LogTooMuchMemory(ILogger logger, string fnId, int minHot, int memoryMiB, int fits);

    [LoggerMessage(1962, LogLevel.Error, "Could not read the fns kept hot (fnsharp.io/min-hot) at start; they start with their first calls")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
