using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Core.Engine;

namespace FnSharp.Cli.Images;

/// <summary>
/// The local Docker engine, through its Engine API: <c>DOCKER_HOST</c>, else
/// <c>unix:///var/run/docker.sock</c>. Its failures are <see cref="CliException"/>s that name the
/// endpoint, or carry the engine's own message.
/// </summary>
internal sealed partial class DockerEngine : IDisposable
{
    private readonly DockerClient _client;

    private DockerEngine(string endpoint, DockerClient client)
    {
        Endpoint = endpoint;
        _client = client;
    }

    /// <summary>The engine's address, for messages.</summary>
    public string Endpoint { get; }

    /// <summary>Connects to the engine of <paramref name="dockerHost"/> (<c>DOCKER_HOST</c>) and checks that it answers.</summary>
    /// <exception cref="CliException">The address is not a unix:// or tcp:// URL, or the engine does not answer.</exception>
    public static async Task<DockerEngine> ConnectAsync(string? dockerHost, CancellationToken cancellationToken)
    {
        var endpoint = dockerHost is { Length: > 0 } ? dockerHost : DockerEngineAddress.Default;
        if (!DockerEngineAddress.TryParse(endpoint, out var uri))
        {
            throw new CliException($"DOCKER_HOST '{endpoint}' is not {DockerEngineAddress.Expected}");
        }

        DockerClient client;
        try
        {
            client = new DockerClientBuilder().WithEndpoint(uri).WithTimeout(TimeSpan.FromMinutes(30)).Build();
        }
        catch (Exception e) when (e is DockerConfigurationException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"DOCKER_HOST '{endpoint}' cannot be used: {e.Message}");
        }

        var engine = new DockerEngine(endpoint, client);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
            return engine;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or DockerApiException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            engine.Dispose();
            var why = e is OperationCanceledException ? "it did not answer within 10 s" : Innermost(e);
            throw new CliException($"cannot reach the Docker engine at {endpoint}: {why}. Is it running? (scripts/ensure-docker.sh starts it; DOCKER_HOST names another engine)");
        }
    }

    /// <summary>Whether the engine has the image <paramref name="image"/>.</summary>
    /// <exception cref="CliException">The engine failed or went away.</exception>
    public async Task<bool> HasImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e) when (IsEngineFault(e))
        {
            throw Fault(e);
        }
    }

    /// <summary>
    /// Builds an image from a tar <paramref name="context"/> with the engine's classic builder, writing
    /// its output lines to <paramref name="progress"/> as they arrive.
    /// </summary>
    /// <exception cref="CliException">The build failed: the engine's message.</exception>
    public async Task BuildAsync(Stream context, string tag, bool noCache, IReadOnlyDictionary<string, string> buildArgs, TextWriter progress, CancellationToken cancellationToken)
    {
        var reporter = new BuildProgress(progress);
        var parameters = new ImageBuildParameters
        {
            Dockerfile = "Dockerfile",
            Tags = [tag],
            NoCache = noCache,
            Remove = true,
            ForceRemove = true,
            BuildArgs = buildArgs.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
        };
        try
        {
            await _client.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, reporter, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new CliException($"the Docker engine refused to build {tag}: {EngineMessage(e)}");
        }
        catch (Exception e) when (IsEngineFault(e))
        {
            throw Fault(e);
        }

        reporter.Flush();
        if (reporter.Error is { } error)
        {
            throw new CliException($"building the image {tag} failed: {error}");
        }
    }

    /// <summary>
    /// Pushes <paramref name="image"/> (<c>REGISTRY/PATH:TAG</c>) with <paramref name="auth"/>, as <c>docker push</c>
    /// does: each layer's status changes are written to <paramref name="output"/> as lines
    /// (<c>4c604fc695ab: Pushed</c>), its byte counts go to <paramref name="note"/> (the live progress line only).
    /// </summary>
    /// <returns>The manifest's digest the registry answered with, or the engine's error (the registry's refusal among them).</returns>
    /// <exception cref="CliException">The engine failed or went away.</exception>
    public async Task<PushOutcome> PushAsync(string image, AuthConfig auth, TextWriter output, Action<string> note, CancellationToken cancellationToken)
    {
        var colon = image.LastIndexOf(':');
        var (name, tag) = colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        var reporter = new PushProgress(output, note);
        try
        {
            await _client.Images.PushImageAsync(name, new ImagePushParameters { Tag = tag }, auth, reporter, cancellationToken);
        }
        catch (DockerApiException e)
        {
            return new PushOutcome(null, EngineMessage(e));
        }
        catch (Exception e) when (IsEngineFault(e))
        {
            throw Fault(e);
        }

        return new PushOutcome(reporter.Digest, reporter.Error);
    }

    /// <summary>Removes the image <paramref name="image"/> (for tests and clean-ups); nothing when it is not there.</summary>
    public async Task RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (Exception e) when (IsEngineFault(e))
        {
            throw Fault(e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static bool IsEngineFault(Exception e) => e is HttpRequestException or SocketException or IOException or DockerApiException;

    private CliException Fault(Exception e) =>
        new($"the Docker engine at {Endpoint} failed: {(e is DockerApiException api ? EngineMessage(api) : Innermost(e))}");

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    private static string EngineMessage(DockerApiException e)
    {
        try
        {
            using var body = JsonDocument.Parse(e.ResponseBody ?? "");
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
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

    /// <summary>
    /// Turns the push's stream into lines (a layer's status when it changes, the final digest line) and notes
    /// (the bytes pushed so far), synchronously, and keeps the digest and the error.
    /// </summary>
    private sealed partial class PushProgress(TextWriter output, Action<string> note) : IProgress<JSONMessage>
    {
        private readonly Dictionary<string, string> _status = new(StringComparer.Ordinal);

        public string? Digest { get; private set; }

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error = error.TrimEnd();
                return;
            }

            if (value.Status is not { Length: > 0 } status)
            {
                return;
            }

            if (DigestLine().Match(status) is { Success: true } digest)
            {
                Digest = digest.Groups[1].Value;
            }

            if (value.ID is not { Length: > 0 } id || DigestLine().IsMatch(status))
            {
                output.WriteLine(status);
                return;
            }

            if (value.Progress is { Total: > 0 and var total, Current: { } current })
            {
                note($"{id}: {status} {Megabytes(current)}/{Megabytes(total)}");
            }

            if (!_status.TryGetValue(id, out var last) || last != status)
            {
                _status[id] = status;
                output.WriteLine($"{id}: {status}");
            }
        }

        private static string Megabytes(long bytes) =>
            (bytes / 1_000_000.0).ToString(bytes < 10_000_000 ? "0.0" : "0", System.Globalization.CultureInfo.InvariantCulture) + "MB";

        [System.Text.RegularExpressions.GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})")]
        private static partial System.Text.RegularExpressions.Regex DigestLine();
    }

    /// <summary>
    /// Writes the build's output lines as the engine streams them, synchronously (a
    /// <see cref="Progress{T}"/> would post them to the thread pool, out of order), and keeps its error.
    /// </summary>
    private sealed class BuildProgress(TextWriter output) : IProgress<JSONMessage>
    {
        private string _partial = "";

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error = error.TrimEnd();
            }

            if (value.Stream is { Length: > 0 } stream)
            {
                var text = _partial + stream;
                var end = text.LastIndexOf('\n');
                _partial = end < 0 ? text : text[(end + 1)..];
                if (end >= 0)
                {
                    foreach (var line in text[..end].Split('\n'))
                    {
                        output.WriteLine(line.TrimEnd('\r'));
                    }
                }
            }
            else if (value.Status is { Length: > 0 } status)
            {
                output.WriteLine(status);
            }
        }

        public void Flush()
        {
            if (_partial.Length > 0)
            {
                output.WriteLine(_partial);
                _partial = "";
            }
        }
    }
}
