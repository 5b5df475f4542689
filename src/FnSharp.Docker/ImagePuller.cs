using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FnSharp.Core.Registries;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Makes sure an image is on the host before a container is created from it. A missing image, or one whose
/// fn's pull policy is <c>always</c> and was not pulled within <see cref="DockerDriverOptions.PullAlwaysCacheMs"/>,
/// is pulled with its registry's credentials (<see cref="RegistryCredentials"/>): one pull per image at a
/// time (later callers wait for it, as Fn's agent does), bounded by <see cref="DockerDriverOptions.PullTimeoutMs"/>,
/// its progress in the log. A failed pull is remembered for <see cref="DockerDriverOptions.PullFailureCacheMs"/>
/// so that a burst of calls fails at once instead of pulling again. Every failure names the image; a registry
/// that refuses the pull is named with what to set. The images it pulled are kept in <see cref="Pulled"/>, the
/// only ones the clean-up may remove.
/// </summary>
internal sealed class ImagePuller
{
    // The least time between two progress lines of one pull.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private readonly DockerEngineClient _engine;
    private readonly DockerDriverOptions _options;
    private readonly RegistryCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<PullFailure?>>> _pulls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PullFailure> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPulls = new(StringComparer.Ordinal);

    public ImagePuller(DockerEngineClient engine, DockerDriverOptions options, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _options = options;
        _credentials = new RegistryCredentials(options);
        _time = time;
        _logger = logger;
    }

    /// <summary>The images this puller pulled (by engine id), with when a container was last made of each.</summary>
    public PulledImages Pulled { get; } = new();

    /// <summary>
    /// The image's description and how long this call waited for a pull, pulled first when it is not on the
    /// host or <paramref name="pullAlways"/> asks for a fresh pull.
    /// </summary>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.ImageNotFound"/>, <see cref="ContainerStartError.ImageUnauthorized"/> or
    /// <see cref="ContainerStartError.ImagePullTimedOut"/>; the message names the image (and the registry, and what to set).
    /// </exception>
    public async Task<EnsuredImage> EnsureAsync(string image, bool pullAlways, CancellationToken cancellationToken)
    {
        if ((!pullAlways || PulledRecently(image)) && await TryInspectAsync(image, cancellationToken) is { } present)
        {
            Pulled.Touch(present.ID, _time.GetUtcNow());
            return new EnsuredImage(present, TimeSpan.Zero);
        }

        if (_failures.TryGetValue(image, out var remembered) && remembered.Until > _time.GetUtcNow())
        {
            throw new ContainerStartException(remembered.Error, remembered.Message);
        }

        var began = _time.GetTimestamp();
        var pull = _pulls.GetOrAdd(image, i => new Lazy<Task<PullFailure?>>(() => PullAsync(i)));
        var failure = await pull.Value.WaitAsync(cancellationToken);
        if (failure is not null)
        {
            throw new ContainerStartException(failure.Error, failure.Message);
        }

        var pulled = await TryInspectAsync(image, cancellationToken)
            ?? throw new ContainerStartException(ContainerStartError.ImageNotFound, $"Failed to pull image '{image}': it is still not on this host after pulling it");
        Pulled.Add(pulled.ID, image, _time.GetUtcNow());
        return new EnsuredImage(pulled, _time.GetElapsedTime(began));
    }

    /// <summary>The reference to pull: a name without tag or digest means <c>:latest</c> (the API would pull every tag).</summary>
    internal static string WithTag(string image)
    {
        var slash = image.LastIndexOf('/');
        return image.Contains('@', StringComparison.Ordinal) || image.LastIndexOf(':') > slash ? image : image + ":latest";
    }

    /// <summary>
    /// The digest that names <paramref name="inspected"/> for <paramref name="image"/>: the registry's manifest
    /// digest of its repository (from <c>RepoDigests</c>) when it came from a registry, else the engine's image id.
    /// </summary>
    internal static string DigestOf(ImageInspectResponse inspected, string image)
    {
        if (ImageReference.TryParse(image) is { } reference && inspected.RepoDigests is { Count: > 0 } digests)
        {
            var familiar = reference.Familiar;
            var repository = familiar[..RepositoryEnd(familiar)] + "@";
            foreach (var digest in digests)
            {
                if (digest.StartsWith(repository, StringComparison.Ordinal))
                {
                    return digest[repository.Length..];
                }
            }
        }

        return inspected.ID;
    }

    // Where a familiar name's repository ends: before its digest, else before its tag.
    private static int RepositoryEnd(string familiar)
    {
        var at = familiar.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? familiar[..at] : familiar;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? colon : name.Length;
    }

    private bool PulledRecently(string image) =>
        _lastPulls.TryGetValue(image, out var at) && _time.GetUtcNow() - at < TimeSpan.FromMilliseconds(_options.PullAlwaysCacheMs);

    private async Task<ImageInspectResponse?> TryInspectAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            return await _engine.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Pulls <paramref name="image"/> under the pull timeout only: a waiter giving up does not stop the pull others wait for.</summary>
    private async Task<PullFailure?> PullAsync(string image)
    {
        var reference = WithTag(image);
        var began = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.PullTimeoutMs), _time);
        PullFailure? failure = null;
        RegistryCredential? credential = null;
        var parsed = ImageReference.TryParse(reference);
        try
        {
            if (parsed is not null)
            {
                credential = await _credentials.FindAsync(parsed, timeout.Token);
            }

            DockerLog.Pulling(_logger, reference, parsed?.Registry ?? "?", credential?.ToString() ?? "no credentials");
            var progress = new PullProgress(reference, _time, _logger);
            await _engine.PullImageAsync(reference, RegistryCredentials.ToAuthConfig(parsed!, credential), progress, timeout.Token);
            if (progress.Error is { } error)
            {
                failure = Failed(image, parsed, credential, error);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            failure = new PullFailure(
                ContainerStartError.ImagePullTimedOut,
                string.Create(CultureInfo.InvariantCulture, $"Timed out pulling image '{image}': the pull did not finish within {_options.PullTimeoutMs / 1000.0:0.###} s (FN_IMAGE_PULL_TIMEOUT_SECS)"),
                default);
        }
        catch (RegistryCredentialsException e)
        {
            failure = new PullFailure(ContainerStartError.ImageUnauthorized, $"Failed to pull image '{image}': the credentials for {parsed?.Registry} could not be read: {e.Message}", default);
        }
        catch (DockerApiException e)
        {
            failure = Failed(image, parsed, credential, EngineMessage(e));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            failure = Failed(image, parsed, credential, e.Message);
        }

        if (failure is null)
        {
            _failures.TryRemove(image, out _);
            _lastPulls[image] = _time.GetUtcNow();
            DockerLog.Pulled(_logger, reference, _time.GetElapsedTime(began).TotalMilliseconds);
        }
        else
        {
            failure = failure with { Until = _time.GetUtcNow().AddMilliseconds(_options.PullFailureCacheMs) };
            _failures[image] = failure;
            DockerLog.PullFailed(_logger, reference, failure.Message);
        }

        // This pull is the image's only one in flight; the failure is remembered first, so the next
        // caller either sees it or pulls afresh.
        _pulls.TryRemove(image, out _);
        return failure;
    }

    /// <summary>The failure for the engine's <paramref name="why"/>: a registry's refusal says which registry, which credentials and what to set.</summary>
    private PullFailure Failed(string image, ImageReference? reference, RegistryCredential? credential, string why)
    {
        if (reference is not null && IsUnauthorized(why))
        {
            var registry = reference.Registry;
            var message = credential is null
                ? $"Failed to pull image '{image}': the registry {registry} asks for credentials and this node has none for it ({why}). "
                  + $"Set FN_REGISTRY_HOST={registry} with FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD (or FN_REGISTRY_TOKEN) on the server, "
                  + $"or run docker login {registry} as the server's user ({_options.DockerConfigPath ?? "DOCKER_CONFIG"})"
                : $"Failed to pull image '{image}': the registry {registry} refused the {credential} ({why}). "
                  + (credential.Source == DockerDriverOptions.RegistrySettingsSource
                      ? $"Check FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD (or FN_REGISTRY_TOKEN) for {registry}"
                      : $"Run docker login {registry} again as the server's user, or set FN_REGISTRY_HOST={registry} with FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD");
            return new PullFailure(ContainerStartError.ImageUnauthorized, message, default);
        }

        return new PullFailure(ContainerStartError.ImageNotFound, $"Failed to pull image '{image}': it is not on this host and the registry did not provide it: {why}", default);
    }

    private static bool IsUnauthorized(string why) =>
        why.Contains("no basic auth credentials", StringComparison.OrdinalIgnoreCase)
        || why.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
        || why.Contains("authentication required", StringComparison.OrdinalIgnoreCase);

    private static string EngineMessage(DockerApiException e)
    {
        try
        {
            using var body = JsonDocument.Parse(e.ResponseBody ?? string.Empty);
            if (body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not the engine's JSON error: use the exception's text.
        }

        return e.Message;
    }

    /// <summary>A failed pull, remembered until <paramref name="Until"/>.</summary>
    private sealed record PullFailure(ContainerStartError Error, string Message, DateTimeOffset Until);

    /// <summary>
    /// Follows the pull stream, synchronously (a <see cref="Progress{T}"/> would report it later on the thread
    /// pool): keeps its error, and logs the layers done and bytes downloaded at most every two seconds.
    /// </summary>
    private sealed class PullProgress : IProgress<JSONMessage>
    {
        private readonly string _reference;
        private readonly TimeProvider _time;
        private readonly ILogger _logger;
        private readonly Dictionary<string, (long Current, long Total, bool Done)> _layers = new(StringComparer.Ordinal);
        private long _lastLine;

        public PullProgress(string reference, TimeProvider time, ILogger logger)
        {
            _reference = reference;
            _time = time;
            _logger = logger;
            _lastLine = time.GetTimestamp();
        }

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } message)
            {
                Error = message;
                return;
            }

            if (value.ID is not { Length: > 0 } id || value.Status is null)
            {
                return;
            }

            _layers.TryGetValue(id, out var layer);
            if (value.Status is "Pull complete" or "Already exists")
            {
                layer = (layer.Total, layer.Total, true);
            }
            else if (value.Status == "Downloading" && value.Progress is { } progress)
            {
                layer = (progress.Current ?? 0, progress.Total ?? 0, false);
            }
            else if (value.Status == "Pulling fs layer" || value.Status == "Waiting")
            {
                layer = (0, 0, false);
            }
            else if (!_layers.ContainsKey(id))
            {
                return;
            }

            _layers[id] = layer;
            if (_time.GetElapsedTime(_lastLine) >= ProgressInterval)
            {
                _lastLine = _time.GetTimestamp();
                const double mib = 1024 * 1024;
                DockerLog.PullProgress(
                    _logger,
                    _reference,
                    _layers.Values.Count(l => l.Done),
                    _layers.Count,
                    _layers.Values.Sum(l => l.Current) / mib,
                    _layers.Values.Sum(l => l.Total) / mib);
            }
        }
    }
}
