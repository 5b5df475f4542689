using FnSharp.Agent.Drivers;
using FnSharp.Docker;
using FnSharp.Docker.Runc;

namespace FnSharp.Server.Hosting;

/// <summary>
/// The image clean-up's loop: every <c>FN_IMAGE_CLEAN_INTERVAL_SECS</c> while <c>FN_IMAGE_CLEAN_MAX_SIZE</c> is set,
/// gathers the images every fn of the store names (all apps, page by page) and hands them to the driver's
/// <see cref="NodeContainerDriver.CleanImagesAsync"/>, which removes only images this node pulled that none of them
/// names, and with <c>FN_DRIVER=runc</c> also to <see cref="RuncDriver.CleanRootfsAsync"/>, which removes the unpacked
/// root filesystems of images none of them names and no container holds. With another driver (the tests' fake) it
/// does nothing.
/// </summary>
internal sealed partial class ImageCleanup(IContainerDriver driver, StoreHolder store, IOptions<ServerOptions> server, IOptions<DockerDriverOptions> docker, TimeProvider time, ILogger<ImageCleanup> logger)
    : PeriodicService(time)
{
    // Read when used, not when built: the host builds hosted services before it reports bad settings.
    /// <inheritdoc/>
    protected override TimeSpan Period => TimeSpan.FromSeconds(server.Value.ImageCleanIntervalSecs);

    /// <inheritdoc/>
    protected override bool Enabled => docker.Value.ImageCleanMaxBytes > 0 && driver is NodeContainerDriver;

    /// <inheritdoc/>
    protected override Task RunRoundAsync(CancellationToken cancellationToken) => CleanAsync(cancellationToken);

    /// <summary>One round; a failure (of the store or the engine) is logged and the next round tries again.</summary>
    /// <returns>How many image names and (with runc) unpacked root filesystems were removed.</returns>
    public async Task<int> CleanAsync(CancellationToken cancellationToken)
    {
        if (driver is not NodeContainerDriver node)
        {
            return 0;
        }

        try
        {
            var inUse = await ImagesOfFnsAsync(store.Store, cancellationToken);
            var removed = (await node.CleanImagesAsync(inUse, cancellationToken)).Count;
            if (node is RuncDriver runc)
            {
                removed += (await runc.CleanRootfsAsync(inUse, cancellationToken)).Count;
            }

            return removed;
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogCleanupFailed(logger, e);
            return 0;
        }
    }

    /// <summary>The images the fns of <paramref name="store"/> name, every app's, read page by page.</summary>
    public static async Task<IReadOnlyCollection<string>> ImagesOfFnsAsync(IDataStore store, CancellationToken cancellationToken)
    {
        var images = new HashSet<string>(StringComparer.Ordinal);
        var filter = new ListFilter { PerPage = ListFilter.MaxPerPage };
        while (true)
        {
            var page = await store.GetFnsAsync(filter, cancellationToken);
            foreach (var fn in page.Items)
            {
                images.Add(fn.Image);
            }

            if (page.Items.Count < filter.PerPage || page.Items.Count == 0)
            {
                return images;
            }

            var last = page.Items[^1];
            filter = filter with { AfterName = last.Name, AfterId = last.Id };
        }
    }

    [LoggerMessage(1005, LogLevel.Warning, "Image clean-up failed; the next round tries again")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
