using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Makes sure an image is on the host before a container is created from it: when it is missing, one
/// pull per image runs at a time (later callers wait for it), bounded by
/// <see cref="DockerDriverOptions.PullTimeoutMs"/>; a failed pull is remembered for
/// <see cref="DockerDriverOptions.PullFailureCacheMs"/> so that a burst of calls fails at once instead
/// of pulling again. Every failure names the image.
/// </summary>
internal sealed class ImagePuller
{
    private readonly DockerEngineClient _engine;
    private readonly DockerDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<PullFailure?>>> _pulls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PullFailure> _failures = new(StringComparer.Ordinal);

    public ImagePuller(DockerEngineClient engine, DockerDriverOptions options, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The image's description, pulled first when it is not on the host.</summary>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.ImageNotFound"/> or <see cref="ContainerStartError.ImagePullTimedOut"/>.</exception>
    public async Task<ImageInspectResponse> EnsureAsync(string image, CancellationToken cancellationToken)
    {
        if (await TryInspectAsync(image, cancellationToken) is { } present)
        {
            return present;
        }

        if (_failures.TryGetValue(image, out var remembered) && remembered.Until > _time.GetUtcNow())
        {
            throw new ContainerStartException(remembered.Error, remembered.Message);
        }

        var pull = _pulls.GetOrAdd(image, i => new Lazy<Task<PullFailure?>>(() => PullAsync(i)));
        var failure = await pull.Value.WaitAsync(cancellationToken);
        if (failure is not null)
        {
            throw new ContainerStartException(failure.Error, failure.Message);
        }

        return await TryInspectAsync(image, cancellationToken)
            ?? throw new ContainerStartException(ContainerStartError.ImageNotFound, $"image '{image}' is still not on this host after pulling it");
    }

    /// <summary>The reference to pull: a name without tag or digest means <c>:latest</c> (the API would pull every tag).</summary>
    internal static string WithTag(string image)
    {
        var slash = image.LastIndexOf('/');
        return image.Contains('@', StringComparison.Ordinal) || image.LastIndexOf(':') > slash ? image : image + ":latest";
    }

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
        DockerLog.Pulling(_logger, reference);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.PullTimeoutMs), _time);
        PullFailure? failure = null;
        try
        {
            var progress = new PullProgress();
            await _engine.PullImageAsync(reference, progress, timeout.Token);
            if (progress.Error is { } error)
            {
                failure = NotFound(image, error);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            failure = new PullFailure(
                ContainerStartError.ImagePullTimedOut,
                string.Create(CultureInfo.InvariantCulture, $"image '{image}' is not on this host and pulling it did not finish within {_options.PullTimeoutMs} ms"),
                default);
        }
        catch (DockerApiException e)
        {
            failure = NotFound(image, EngineMessage(e));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            failure = NotFound(image, e.Message);
        }

        if (failure is null)
        {
            _failures.TryRemove(image, out _);
            DockerLog.Pulled(_logger, reference);
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

    private static PullFailure NotFound(string image, string why) =>
        new(ContainerStartError.ImageNotFound, $"image '{image}' is not on this host and could not be pulled: {why}", default);

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

    /// <summary>Keeps the pull stream's error, synchronously (a <see cref="Progress{T}"/> would report it later on the thread pool).</summary>
    private sealed class PullProgress : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } message)
            {
                Error = message;
            }
        }
    }
}
