using System.Net;
using FnSharp.Core.Registries;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Removes images this node pulled when they take more than <see cref="DockerDriverOptions.ImageCleanMaxBytes"/>
/// (Fn's <c>FN_IMAGE_CLEAN_MAX_SIZE</c>): the least recently used first, only those unused for
/// <see cref="DockerDriverOptions.ImageCleanMinAgeMs"/>, until the pulled images fit again (the rule of
/// <see cref="LeastRecentlyUsedCleanup"/>). Never an image the node did not pull (<see cref="PulledImages"/>), never one a fn of the store names, never one a container
/// uses (the engine refuses it: removal is never forced), and never a name that now points at another image.
/// </summary>
internal sealed class ImageCleaner
{
    private readonly DockerEngineClient _engine;
    private readonly DockerDriverOptions _options;
    private readonly PulledImages _pulled;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RoundNotices _notices = new();

    public ImageCleaner(DockerEngineClient engine, DockerDriverOptions options, PulledImages pulled, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _options = options;
        _pulled = pulled;
        _time = time;
        _logger = logger;
    }

    /// <summary>One round; returns the names removed.</summary>
    /// <param name="imagesInUse">The images the fns of the store name, as they name them.</param>
    /// <param name="cancellationToken">Ends the round.</param>
    public async Task<IReadOnlyList<string>> CleanAsync(IReadOnlyCollection<string> imagesInUse, CancellationToken cancellationToken)
    {
        if (_options.ImageCleanMaxBytes <= 0 || _pulled.All.Count == 0)
        {
            return [];
        }

        var onHost = (await _engine.ListImagesAsync(cancellationToken)).ToDictionary(i => i.ID, StringComparer.Ordinal);
        var pulled = new List<PulledImage>();
        foreach (var image in _pulled.All)
        {
            if (onHost.ContainsKey(image.Id))
            {
                pulled.Add(image);
            }
            else
            {
                _pulled.Remove(image.Id);
            }
        }

        const double mib = 1024 * 1024;
        var used = new HashSet<string>(imagesInUse.Select(Familiar), StringComparer.Ordinal);
        var oldest = _time.GetUtcNow() - TimeSpan.FromMilliseconds(_options.ImageCleanMinAgeMs);
        var removed = await LeastRecentlyUsedCleanup.RunAsync(
            pulled,
            p => onHost[p.Id].Size,
            p => p.LastUsed,
            _options.ImageCleanMaxBytes,
            oldest,
            total => DockerLog.CleanupOverBudget(_logger, pulled.Count, total / mib, _options.ImageCleanMaxBytes / mib),
            TryRemoveAsync,
            _notices,
            cancellationToken);
        return [.. removed.Select(p => Familiar(p.Name))];

        // The bytes the removal freed (none while other names hold the image), or null when it may not go.
        async Task<long?> TryRemoveAsync(PulledImage image)
        {
            var listed = onHost[image.Id];
            var names = (listed.RepoTags ?? []).Concat(listed.RepoDigests ?? []).ToList();
            if (used.Contains(Familiar(image.Name)) || names.Any(used.Contains))
            {
                return null;
            }

            // Only the name it was pulled by, and only while that name still points at this image: a name someone
            // re-tagged or rebuilt since is theirs.
            var name = Familiar(image.Name);
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                return null;
            }

            try
            {
                await _engine.DeleteImageAsync(name, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                var why = e.StatusCode == HttpStatusCode.Conflict ? "a container uses it" : "it is gone";
                if (_notices.KeptIsNew(name + "\n" + why))
                {
                    DockerLog.CleanupFailed(_logger, name, why);
                }

                return null;
            }

            DockerLog.CleanupRemoved(_logger, name, image.Id, listed.Size / mib, image.LastUsed);
            if ((listed.RepoTags?.Count ?? 0) > 1)
            {
                return 0;
            }

            // The last name went, and the image with it.
            _pulled.Remove(image.Id);
            return listed.Size;
        }
    }

    /// <summary>A name as the engine lists it (Docker Hub's prefix left out, <c>:latest</c> added), or the name itself when it does not parse.</summary>
    public static string Familiar(string image) => ImageReference.TryParse(image)?.Familiar ?? image;
}
