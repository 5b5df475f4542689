using System.Net;
using FnSharp.Core.Registries;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Removes images this node pulled when they take more than <see cref="DockerDriverOptions.ImageCleanMaxBytes"/>
/// (Fn's <c>FN_IMAGE_CLEAN_MAX_SIZE</c>): the least recently used first, only those unused for
/// <see cref="DockerDriverOptions.ImageCleanMinAgeMs"/>, until the pulled images fit again. Never an image the
/// node did not pull (<see cref="PulledImages"/>), never one a fn of the store names, never one a container
/// uses (the engine refuses it: removal is never forced), and never a name that now points at another image.
/// </summary>
internal sealed class ImageCleaner
{
    private readonly DockerEngineClient _engine;
    private readonly DockerDriverOptions _options;
    private readonly PulledImages _pulled;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

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

        var total = pulled.Sum(p => onHost[p.Id].Size);
        if (total <= _options.ImageCleanMaxBytes)
        {
            return [];
        }

        const double mib = 1024 * 1024;
        DockerLog.CleanupOverBudget(_logger, pulled.Count, total / mib, _options.ImageCleanMaxBytes / mib);
        var used = new HashSet<string>(imagesInUse.Select(Familiar), StringComparer.Ordinal);
        var oldest = _time.GetUtcNow() - TimeSpan.FromMilliseconds(_options.ImageCleanMinAgeMs);
        var removed = new List<string>();
        foreach (var image in pulled.Where(p => p.LastUsed <= oldest).OrderBy(p => p.LastUsed))
        {
            if (total <= _options.ImageCleanMaxBytes)
            {
                break;
            }

            var listed = onHost[image.Id];
            var names = (listed.RepoTags ?? []).Concat(listed.RepoDigests ?? []).ToList();
            if (used.Contains(Familiar(image.Name)) || names.Any(used.Contains))
            {
                continue;
            }

            // Only the name it was pulled by, and only while that name still points at this image: a name someone
            // re-tagged or rebuilt since is theirs.
            var name = Familiar(image.Name);
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            try
            {
                await _engine.DeleteImageAsync(name, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                DockerLog.CleanupFailed(_logger, name, e.StatusCode == HttpStatusCode.Conflict ? "a container uses it" : "it is gone");
                continue;
            }

            removed.Add(name);
            if ((listed.RepoTags?.Count ?? 0) <= 1)
            {
                // The last name went, and the image with it.
                total -= listed.Size;
                _pulled.Remove(image.Id);
            }

            DockerLog.CleanupRemoved(_logger, name, image.Id, listed.Size / mib, image.LastUsed);
        }

        return removed;
    }

    // A name as the engine lists it (Docker Hub's prefix left out, :latest added), or the name itself when it does not parse.
    private static string Familiar(string image) => ImageReference.TryParse(image)?.Familiar ?? image;
}
