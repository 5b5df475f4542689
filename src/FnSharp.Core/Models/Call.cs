namespace FnSharp.Core.Models;

/// <summary>
/// The record of one call of a fn, synchronous or detached: served by
/// <c>GET /v2/fns/{fnID}/calls</c> and <c>GET /v2/fns/{fnID}/calls/{callID}</c>. Field names follow
/// the call model of Fn's v1 API (<c>id</c>, <c>status</c>, <c>app_id</c>, <c>fn_id</c>, <c>created_at</c>,
/// <c>started_at</c>, <c>completed_at</c>, <c>error</c>), which Fn removed and its users asked back;
/// FnSharp adds <c>type</c>, <c>attempts</c>, <c>container_id</c>, <c>status_code</c>,
/// <c>next_attempt_at</c>, <c>dead_letter</c>, <c>image_digest</c>, and how the call had its container:
/// <c>start_kind</c>, <c>start_phases_ms</c> and <c>timeline_ms</c>.
/// </summary>
public sealed record Call
{
    /// <summary>The call's 26-character sortable id, the <c>Fn-Call-Id</c> its client got.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The id of the fn's app.</summary>
    [JsonPropertyName("app_id")]
    public string AppId { get; init; } = "";

    /// <summary>The id of the fn called.</summary>
    [JsonPropertyName("fn_id")]
    public string FnId { get; init; } = "";

    /// <summary>How the call was made: <see cref="CallTypes.Sync"/> or <see cref="CallTypes.Detached"/>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = CallTypes.Sync;

    /// <summary>Where the call is: one of <see cref="CallStates"/>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = CallStates.Queued;

    /// <summary>
    /// The HTTP status the call ended with (the one a synchronous client got: 200, or the error's
    /// status); <see langword="null"/> while it has not ended.
    /// </summary>
    [JsonPropertyName("status_code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StatusCode { get; init; }

    /// <summary>Why the call failed (the error's message); <see langword="null"/> unless it failed, or failed an attempt and waits for a retry.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>When the call arrived (UTC).</summary>
    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its last attempt was given a container (UTC); <see langword="null"/> before that.</summary>
    [JsonPropertyName("started_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(NullableRfc3339MillisecondsConverter))]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the call ended (UTC); <see langword="null"/> while queued or running.</summary>
    [JsonPropertyName("completed_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(NullableRfc3339MillisecondsConverter))]
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>How many times the call was sent to run: 1 for a synchronous call that reached a container, 0 for one refused before.</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>The engine's id of the container of the last attempt, when it reached one.</summary>
    [JsonPropertyName("container_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContainerId { get; init; }

    /// <summary>For a queued detached call waiting to be retried: not before this time (UTC).</summary>
    [JsonPropertyName("next_attempt_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(NullableRfc3339MillisecondsConverter))]
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>
    /// Whether the detached call exhausted its retries (or its maximum event age) and waits in the
    /// dead-letter state, to be listed and re-driven through the API; its status says how the last attempt ended.
    /// </summary>
    [JsonPropertyName("dead_letter")]
    public bool DeadLetter { get; init; }

    /// <summary>
    /// The digest of the image the call ran, so that a user can tell which image ran under a moving tag: the
    /// registry's manifest digest (<c>sha256:...</c>, as <c>docker images --digests</c> shows it) when the image
    /// came from a registry, else the engine's image id; absent when the call reached no container.
    /// </summary>
    [JsonPropertyName("image_digest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImageDigest { get; init; }

    /// <summary>How the call had its container (one of <see cref="CallStartKinds"/>); <see langword="null"/> when it reached none.</summary>
    [JsonPropertyName("start_kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StartKind { get; init; }

    /// <summary>
    /// For a <c>cold</c> or <c>prewarmed</c> call, its container's start in ms split into its phases, in
    /// order: <c>create</c>, <c>start</c> (the engine starts the process), <c>ready</c> (until the FDK's socket).
    /// </summary>
    [JsonPropertyName("start_phases_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? StartPhasesMs { get; init; }

    /// <summary>
    /// The call's phases in ms, in order: <c>queued</c> (a detached call in the store), <c>waiting</c> (for a
    /// container), <c>starting</c> (its container's start, for a cold call), <c>running</c>.
    /// </summary>
    [JsonPropertyName("timeline_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? TimelineMs { get; init; }

    /// <summary>Whether the call has ended (success, error, timeout or cancelled).</summary>
    [JsonIgnore]
    public bool IsFinished => CallStates.IsFinal(Status);

    /// <summary>A detached call to queue (<see cref="Storage.ICallStore.EnqueueCallAsync"/>): queued, no attempt yet.</summary>
    public static Call QueuedDetached(string id, string appId, string fnId, DateTimeOffset createdAt) => new()
    {
        Id = id,
        AppId = appId,
        FnId = fnId,
        Type = CallTypes.Detached,
        Status = CallStates.Queued,
        CreatedAt = createdAt,
    };
}

/// <summary>The values of <see cref="Call.Type"/>.</summary>
public static class CallTypes
{
    /// <summary>The client waited for the answer (<c>/invoke</c> or <c>/t</c>).</summary>
    public const string Sync = "sync";

    /// <summary>The client got 202 at once (<c>Fn-Invoke-Type: detached</c>); a background worker runs the call.</summary>
    public const string Detached = "detached";
}

/// <summary>The values of <see cref="Call.StartKind"/>.</summary>
public static class CallStartKinds
{
    /// <summary>The call waited for a container started for it.</summary>
    public const string Cold = "cold";

    /// <summary>The call took an idle hot container (or one freed by another call).</summary>
    public const string Warm = "warm";

    /// <summary>The call took an idle container that was paused, and unpaused it.</summary>
    public const string Thawed = "thawed";

    /// <summary>The call was the first of a container started ahead of demand.</summary>
    public const string Prewarmed = "prewarmed";
}

/// <summary>The values of <see cref="Call.Status"/>.</summary>
public static class CallStates
{
    /// <summary>A detached call stored and waiting for a worker (or for its next attempt).</summary>
    public const string Queued = "queued";

    /// <summary>A detached call claimed by a worker.</summary>
    public const string Running = "running";

    /// <summary>The function answered 200.</summary>
    public const string Success = "success";

    /// <summary>The call failed: the function's fault or the platform's (the error says which).</summary>
    public const string Error = "error";

    /// <summary>The call ran past the fn's timeout, or its container never became ready in time.</summary>
    public const string Timeout = "timeout";

    /// <summary>The client went away before the answer.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Every status, for validating filters.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Running, Success, Error, Timeout, Cancelled];

    /// <summary>Whether <paramref name="status"/> is an end state.</summary>
    public static bool IsFinal(string status) => status is Success or Error or Timeout or Cancelled;
}
