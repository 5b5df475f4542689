using System.Net;
using System.Net.Sockets;

namespace FnSharp.Docker;

/// <summary>
/// The driver's one client of the Docker Engine API, as Fn's <c>docker_client.go</c> wraps its client:
/// every call the driver makes passes here and is timed per operation on <see cref="DockerApiMetrics"/>
/// (the operation names are the <c>operation</c> label of <c>docs/metrics.md</c>). Nothing else in the
/// driver holds a <see cref="DockerClient"/>. The methods are the engine's, one each; only removal and
/// kill, which the driver repeats freely, treat a container already gone as done.
/// </summary>
internal sealed class DockerEngineClient : IDisposable
{
    private readonly DockerClient _client;
    private readonly DockerApiMetrics _metrics;

    public DockerEngineClient(Uri endpoint, DockerApiMetrics metrics)
    {
        _client = new DockerClientBuilder().WithEndpoint(endpoint).Build();
        _metrics = metrics;
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown by a call of this client, means the engine did not answer
    /// (no connection: it is down or restarting) rather than that it refused the request.
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is HttpRequestException or SocketException || exception.InnerException is SocketException;

    /// <summary>
    /// A <see cref="ContainerStartException"/> of <see cref="ContainerStartError.EngineUnavailable"/> for a
    /// start that found the engine at <paramref name="endpoint"/> unreachable (<see cref="IsUnreachable"/>).
    /// </summary>
    public static ContainerStartException Unreachable(string endpoint, Exception exception) =>
        new(ContainerStartError.EngineUnavailable, $"the container engine at {endpoint} does not answer: {exception.Message}", exception);

    /// <summary><c>GET /_ping</c>: throws when the engine does not answer.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        _metrics.TimeAsync("ping", () => _client.System.PingAsync(cancellationToken));

    /// <summary><c>GET /images/{name}/json</c>.</summary>
    /// <exception cref="DockerImageNotFoundException">The image is not on the host.</exception>
    public Task<ImageInspectResponse> InspectImageAsync(string image, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("image_inspect", () => _client.Images.InspectImageAsync(image, cancellationToken));

    /// <summary>
    /// <c>POST /images/create</c>: pulls an image with <paramref name="auth"/> as <c>X-Registry-Auth</c>; the stream's
    /// messages go to <paramref name="progress"/> (an error may arrive there instead of as an exception).
    /// </summary>
    public Task PullImageAsync(string reference, AuthConfig auth, IProgress<JSONMessage> progress, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("image_pull", () => _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, auth, progress, cancellationToken));

    /// <summary><c>GET /images/json</c>: the images on the host (tagged ones; intermediate layers left out), with their sizes in bytes.</summary>
    public Task<IList<ImagesListResponse>> ListImagesAsync(CancellationToken cancellationToken) =>
        _metrics.TimeAsync("image_list", () => _client.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken));

    /// <summary>
    /// <c>DELETE /images/{name}</c> without force: removes a name, and the image when no other name holds it. The
    /// engine refuses (409) an image a container uses.
    /// </summary>
    public Task DeleteImageAsync(string name, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("image_remove", () => _client.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = false }, cancellationToken));

    /// <summary><c>POST /containers/create</c>.</summary>
    public Task<CreateContainerResponse> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_create", () => _client.Containers.CreateContainerAsync(parameters, cancellationToken));

    /// <summary><c>GET /containers/{id}/export</c>: the container's file system as a tar stream (timed until it opens, not while it is read).</summary>
    public Task<Stream> ExportContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_export", () => _client.Containers.ExportContainerAsync(id, cancellationToken));

    /// <summary><c>POST /containers/{id}/start</c>.</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_start", () => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken));

    /// <summary><c>POST /containers/{id}/pause</c>.</summary>
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_pause", () => _client.Containers.PauseContainerAsync(id, cancellationToken));

    /// <summary><c>POST /containers/{id}/unpause</c>.</summary>
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_unpause", () => _client.Containers.UnpauseContainerAsync(id, cancellationToken));

    /// <summary><c>POST /containers/{id}/wait</c>: a long poll that answers when the container stops; its time is the container's remaining life.</summary>
    public Task<ContainerWaitResponse> WaitContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_wait", () => _client.Containers.WaitContainerAsync(id, cancellationToken));

    /// <summary><c>GET /containers/{id}/json</c>.</summary>
    /// <exception cref="DockerContainerNotFoundException">The engine no longer knows the container.</exception>
    public Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_inspect", () => _client.Containers.InspectContainerAsync(id, cancellationToken));

    /// <summary><c>GET /containers/{id}/logs</c>: opens the output stream (timed until it opens, not while it is read).</summary>
    public Task<MultiplexedStream> GetContainerLogsAsync(string id, ContainerLogsParameters parameters, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_logs", () => _client.Containers.GetContainerLogsAsync(id, parameters, cancellationToken));

    /// <summary><c>POST /containers/{id}/kill</c> with <c>SIGKILL</c>; a container that is gone or no longer running is left as it is.</summary>
    public async Task KillContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _metrics.TimeAsync("container_kill", () => _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken));
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone.
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone, or not running (it stopped by itself, or is paused).
        }
    }

    /// <summary><c>DELETE /containers/{id}?force=true&amp;v=true</c>: kills and removes; idempotent (a container gone or being removed is done).</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _metrics.TimeAsync("container_remove", () => _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken));
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: removal is idempotent.
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone, or its removal is already in progress.
        }
    }

    /// <summary><c>GET /containers/json?all=true</c> with <paramref name="labels"/> as filters.</summary>
    public Task<IList<ContainerListResponse>> ListContainersAsync(IEnumerable<string> labels, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_list", () => _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = labels.ToDictionary(label => label, _ => true),
                },
            },
            cancellationToken));

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
