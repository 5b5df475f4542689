namespace FnSharp.Core.Models;

/// <summary>
/// A trigger: a way to call a fn other than by its id. Fn knows one type, <c>http</c>, served at
/// <c>/t/{appName}{source}</c>. Field names follow Fn's v2 API (definition <c>Trigger</c>).
/// </summary>
public sealed record Trigger : Resource
{
    /// <summary>The one trigger type Fn knows: calls over HTTP at <c>/t/{appName}{source}</c>.</summary>
    public const string HttpType = "http";

    /// <summary>FnSharp's scheduled trigger: its <see cref="Source"/> is a cron expression, each tick a detached call.</summary>
    public const string CronType = "cron";

    /// <summary>FnSharp's message trigger: its <see cref="Source"/> is a NATS subject, each message a detached call.</summary>
    public const string NatsType = "nats";

    /// <summary>The id of the app that owns the trigger.</summary>
    [JsonPropertyName("app_id")]
    public string AppId { get; init; } = "";

    /// <summary>The id of the fn the trigger calls.</summary>
    [JsonPropertyName("fn_id")]
    public string FnId { get; init; } = "";

    /// <summary>The trigger type: <c>http</c> (Fn's), <c>cron</c> or <c>nats</c> (FnSharp's).</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>For <c>http</c>, the path under <c>/t/{appName}</c> the trigger answers, starting with <c>/</c>; for <c>cron</c>, the cron expression; for <c>nats</c>, the subject.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    /// <summary>Free-form annotations: keys are printable ASCII, values any non-empty JSON.</summary>
    [JsonPropertyName("annotations")]
    [OmitWhenEmpty]
    public IReadOnlyDictionary<string, JsonElement> Annotations { get; init; } = App.EmptyAnnotations;
}
