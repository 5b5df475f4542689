using System.Net;
using System.Net.Sockets;

namespace FnSharp.Docker;

/// <summary>
/// The driver's one client of the Docker Engine API, as Fn's <c>docker_client.go</c> wraps its client:
/// every call the driver makes passes here and is timed per operation on <see cref="DockerApiMetrics"/>
/// (the operation names are the <c>operation</c> label of <c>docs/metrics.md</c>). Nothing else in the
/// driver holds a <see cref="DockerClient"/>. The methods are the engine's, one each; only removal and
/// kill, which the driver repeats freely, treat a container already gone as done. A call that goes unanswered for
/// <see cref="DockerDriverOptions.ApiTimeoutMs"/> while the engine does not answer <c>GET /_ping</c> either fails with
/// <see cref="DockerEngineTimeoutException"/>: an engine that accepts connections and never answers is an engine that
/// does not answer, not a wait as long as the engine likes. An engine that answers its pings is busy, not hung (12
/// container starts at once on a loaded 2-core host took over 5 s each): its calls are waited for, up to
/// <see cref="BusyEngineLimit"/>, so that a start under load finishes and yields its container instead of being
/// removed and tried again. Kill, removal and listing keep the plain time: the runner tries a failed removal again
/// later, and a stop, which removes and lists, must end within its grace (a removal held a minute at a time by an
/// engine that answered its pings made a SIGTERM take 3 minutes). Image listing, removal and export have the pull's time instead
/// (<see cref="DockerDriverOptions.PullTimeoutMs"/>), a pull its own; <c>wait</c>, a long poll, none.
/// </summary>
internal sealed class DockerEngineClient : IDisposable
{
    private const string ApiTimeoutSetting = "FN_DOCKER_API_TIMEOUT_MSECS";
    private const string ImageTimeoutSetting = "FN_IMAGE_PULL_TIMEOUT_SECS";
    private const string BusySetting = "while the engine answered its pings";

    private readonly DockerClient _client;
    private readonly DockerApiMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _imageTimeout;

    /// <summary>
    /// The longest wait for one call of an engine that answers its pings: a minute, or
    /// <see cref="DockerDriverOptions.ApiTimeoutMs"/> when that is longer. Past it a start stuck in the container runtime
    /// is given up as if the engine did not answer.
    /// </summary>
    public TimeSpan BusyEngineLimit { get; }

    /// <summary>A client of the engine at <see cref="DockerDriverOptions.Endpoint"/> with the times of <paramref name="options"/>.</summary>
    public DockerEngineClient(DockerDriverOptions options, DockerApiMetrics metrics, TimeProvider time)
    {
        _client = new DockerClientBuilder().WithEndpoint(new Uri(options.Endpoint)).Build();
        _metrics = metrics;
        _time = time;
        _timeout = TimeSpan.FromMilliseconds(options.ApiTimeoutMs);
        _imageTimeout = TimeSpan.FromMilliseconds(Math.Max(options.ApiTimeoutMs, options.PullTimeoutMs));
        BusyEngineLimit = TimeSpan.FromMilliseconds(Math.Max(options.ApiTimeoutMs, 60_000));
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown by a call of this client, means the engine did not answer
    /// (no connection: it is down or restarting; or no answer in time, <see cref="DockerEngineTimeoutException"/>)
    /// rather than that it refused the request.
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
        CallAsync("ping", _timeout, ApiTimeoutSetting, token => _client.System.PingAsync(token), cancellationToken);

    /// <summary><c>GET /info</c>: the engine's description of itself (its cgroup driver and version among it).</summary>
    public Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellationToken) =>
        CallAsync("info", token => _client.System.GetSystemInfoAsync(token), cancellationToken);

    /// <summary><c>GET /images/{name}/json</c>.</summary>
    /// <exception cref="DockerImageNotFoundException">The image is not on the host.</exception>
    public Task<ImageInspectResponse> InspectImageAsync(string image, CancellationToken cancellationToken) =>
        CallAsync("image_inspect", token => _client.Images.InspectImageAsync(image, token), cancellationToken);

    /// <summary>
    /// <c>POST /images/create</c>: pulls an image with <paramref name="auth"/> as <c>X-Registry-Auth</c>; the stream's
    /// messages go to <paramref name="progress"/> (an error may arrive there instead of as an exception).
    /// </summary>
    public Task PullImageAsync(string reference, AuthConfig auth, IProgress<JSONMessage> progress, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("image_pull", () => _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, auth, progress, cancellationToken));

    /// <summary><c>GET /images/json</c>: the images on the host (tagged ones; intermediate layers left out), with their sizes in bytes.</summary>
    public Task<IList<ImagesListResponse>> ListImagesAsync(CancellationToken cancellationToken) =>
        CallAsync("image_list", _imageTimeout, ImageTimeoutSetting, token => _client.Images.ListImagesAsync(new ImagesListParameters(), token), cancellationToken);

    /// <summary>
    /// <c>DELETE /images/{name}</c> without force: removes a name, and the image when no other name holds it. The
    /// engine refuses (409) an image a container uses.
    /// </summary>
    public Task DeleteImageAsync(string name, CancellationToken cancellationToken) =>
        CallAsync("image_remove", _imageTimeout, ImageTimeoutSetting, token => _client.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = false }, token), cancellationToken);

    /// <summary><c>POST /containers/create</c>.</summary>
    public Task<CreateContainerResponse> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken) =>
        CallAsync("container_create", token => _client.Containers.CreateContainerAsync(parameters, token), cancellationToken);

    /// <summary>
    /// <c>GET /containers/{id}/export</c>: the container's file system as a tar stream (timed until it opens, not while
    /// it is read), opened within <see cref="ImageTimeout"/>; the reader bounds its reading (an image's size is the pull's).
    /// </summary>
    public Task<Stream> ExportContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("container_export", _imageTimeout, ImageTimeoutSetting, token => _client.Containers.ExportContainerAsync(id, token), cancellationToken);

    /// <summary>The time of the calls whose work grows with an image's size (list, remove, export): the pull's time, at least the API's.</summary>
    public TimeSpan ImageTimeout => _imageTimeout;

    /// <summary>The timeout error of a call that took longer than <see cref="ImageTimeout"/>, naming its setting.</summary>
    public static DockerEngineTimeoutException ImageTimedOut(string operation, TimeSpan timeout, Exception? inner) => new(operation, timeout, ImageTimeoutSetting, inner);

    /// <summary><c>POST /containers/{id}/start</c>.</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("container_start", token => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), token), cancellationToken);

    /// <summary><c>POST /containers/{id}/pause</c>.</summary>
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("container_pause", token => _client.Containers.PauseContainerAsync(id, token), cancellationToken);

    /// <summary><c>POST /containers/{id}/unpause</c>.</summary>
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("container_unpause", token => _client.Containers.UnpauseContainerAsync(id, token), cancellationToken);

    /// <summary><c>POST /containers/{id}/wait</c>: a long poll that answers when the container stops; its time is the container's remaining life.</summary>
    public Task<ContainerWaitResponse> WaitContainerAsync(string id, CancellationToken cancellationToken) =>
        _metrics.TimeAsync("container_wait", () => _client.Containers.WaitContainerAsync(id, cancellationToken));

    /// <summary><c>GET /containers/{id}/json</c>.</summary>
    /// <exception cref="DockerContainerNotFoundException">The engine no longer knows the container.</exception>
    public Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("container_inspect", token => _client.Containers.InspectContainerAsync(id, token), cancellationToken);

    /// <summary>
    /// <c>POST /containers/{id}/attach?stream=1&amp;stdout=1&amp;stderr=1</c>: the container's output from now on, as it is
    /// written (timed until the engine has hijacked the connection, not while it is read).
    /// </summary>
    public Task<MultiplexedStream> AttachContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync(
            "container_attach",
            token => _client.Containers.AttachContainerAsync(id, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, token),
            cancellationToken);

    /// <summary><c>POST /containers/{id}/kill</c> with <c>SIGKILL</c>; a container that is gone or no longer running is left as it is.</summary>
    public async Task KillContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("container_kill", _timeout, ApiTimeoutSetting, token => _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, token), cancellationToken);
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
            await CallAsync("container_remove", _timeout, ApiTimeoutSetting, token => _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, token), cancellationToken);
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
        CallAsync(
            "container_list",
            _timeout,
            ApiTimeoutSetting,
            token => _client.Containers.ListContainersAsync(
                new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = labels.ToDictionary(label => label, _ => true),
                    },
                },
                token),
            cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Times <paramref name="call"/>, the operation <paramref name="operation"/>, and waits for its answer while the engine
    /// is alive: after each half of <see cref="DockerDriverOptions.ApiTimeoutMs"/> without an answer it asks the engine for
    /// <c>GET /_ping</c>, which must answer within the next half. When one does not, or the call has waited
    /// <see cref="BusyEngineLimit"/>, the call is given up with a <see cref="DockerEngineTimeoutException"/> (counted as an
    /// engine fault): a hung engine still fails a call after <see cref="DockerDriverOptions.ApiTimeoutMs"/>, as before the
    /// pings. The caller's own cancellation stays one.
    /// </summary>
    private Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _metrics.TimeAsync(operation, async () =>
        {
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var rounds = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var half = _timeout / 2;
            var began = _time.GetTimestamp();

            // Each round's timer is set before what it bounds is sent, so that a fake clock's test sees it set.
            var round = Task.Delay(half, _time, rounds.Token);
            var answer = call(giveUp.Token);
            Task<bool>? ping = null;
            try
            {
                while (true)
                {
                    if (await Task.WhenAny(answer, round) == answer || cancellationToken.IsCancellationRequested)
                    {
                        return await answer;
                    }

                    var waited = _time.GetElapsedTime(began);
                    // The ping ends by its own timer at the latest, due with the round: awaited, not peeked at, so that an
                    // answer that came in just as the round ended counts.
                    var alive = ping is null || await ping;
                    if (!alive || waited >= BusyEngineLimit)
                    {
                        await giveUp.CancelAsync();
                        _ = answer.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        throw alive
                            ? new DockerEngineTimeoutException(operation, waited, BusySetting, null)
                            : new DockerEngineTimeoutException(operation, _timeout, ApiTimeoutSetting, null);
                    }

                    round = Task.Delay(half, _time, rounds.Token);
                    ping = AnswersPingAsync(half, rounds.Token);
                }
            }
            finally
            {
                await rounds.CancelAsync();
            }
        });

    /// <summary>
    /// Whether the engine answers <c>GET /_ping</c> within <paramref name="within"/> (timed as the operation <c>ping</c>; one
    /// unanswered within it counts as an engine error, as a call given up at its timeout does).
    /// </summary>
    private async Task<bool> AnswersPingAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(within, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _metrics.TimeAsync("ping", async () =>
            {
                try
                {
                    await _client.System.PingAsync(linked.Token);
                }
                catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new DockerEngineTimeoutException("ping", within, ApiTimeoutSetting, null);
                }
            });
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async Task CallAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await CallAsync(
            operation,
            async token =>
            {
                await call(token);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// Times <paramref name="call"/>, the operation <paramref name="operation"/>, and ends it after <paramref name="timeout"/>
    /// with a <see cref="DockerEngineTimeoutException"/> (counted as an engine fault); the caller's own cancellation stays one.
    /// </summary>
    private Task<T> CallAsync<T>(string operation, TimeSpan timeout, string setting, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _metrics.TimeAsync(operation, async () =>
        {
            using var timer = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                return await call(linked.Token);
            }
            catch (Exception e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is not DockerApiException)
            {
                // Cancelled by the timer, whatever the client made of it (a cancellation, a broken stream).
                throw new DockerEngineTimeoutException(operation, timeout, setting, e);
            }
        });

    private async Task CallAsync(string operation, TimeSpan timeout, string setting, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await CallAsync(
            operation,
            timeout,
            setting,
            async token =>
            {
                await call(token);
                return true;
            },
            cancellationToken);
}
