namespace FnSharp.Core.Models;

/// <summary>
/// A function: a container image with its memory, timeout and configuration, owned by an app.
/// Field names follow Fn's v2 API (<c>fn-swagger-v2.yml</c>, definition <c>Fn</c>).
/// </summary>
public sealed record Fn : Resource
{
    /// <summary>Memory given to a fn when none is asked for, in MiB (as Fn's server does).</summary>
    public const int DefaultMemoryMiB = 128;

    /// <summary>Largest memory a fn may ask for, in MiB.</summary>
    public const int MaxMemoryMiB = 8192;

    /// <summary>Call timeout used when none is asked for, in seconds.</summary>
    public const int DefaultTimeoutSeconds = 30;

    /// <summary>Largest call timeout, in seconds.</summary>
    public const int MaxTimeoutSeconds = 300;

    /// <summary>Idle timeout used when none is asked for, in seconds.</summary>
    public const int DefaultIdleTimeoutSeconds = 30;

    /// <summary>Largest idle timeout, in seconds.</summary>
    public const int MaxIdleTimeoutSeconds = 3600;

    /// <summary>The id of the app that owns the fn.</summary>
    [JsonPropertyName("app_id")]
    public string AppId { get; init; } = "";

    /// <summary>The container image that serves the fn's calls, for example <c>fnsharp/hello-csharp:latest</c>.</summary>
    [JsonPropertyName("image")]
    public string Image { get; init; } = "";

    /// <summary>Memory reserved for each of the fn's containers, in MiB (1..8192, default 128).</summary>
    [JsonPropertyName("memory")]
    public int Memory { get; init; }

    /// <summary>Longest a call may run once it has a container, in seconds (1..300, default 30).</summary>
    [JsonPropertyName("timeout")]
    public int Timeout { get; init; }

    /// <summary>How long a hot container may stay idle before it is stopped, in seconds (1..3600, default 30).</summary>
    [JsonPropertyName("idle_timeout")]
    public int IdleTimeout { get; init; }

    /// <summary>
    /// Environment given to the fn's containers, merged over the app's config. Never null: a JSON <c>null</c>, which Fn's
    /// server writes for a fn's empty config where it read the fn from its store, reads as empty.
    /// </summary>
    [JsonPropertyName("config")]
    public IReadOnlyDictionary<string, string> Config { get; init => field = value ?? App.EmptyConfig; } = App.EmptyConfig;

    /// <summary>Free-form annotations: keys are printable ASCII, values any non-empty JSON.</summary>
    [JsonPropertyName("annotations")]
    [OmitWhenEmpty]
    public IReadOnlyDictionary<string, JsonElement> Annotations { get; init; } = App.EmptyAnnotations;

    /// <summary>The processor architecture, copied from the app.</summary>
    [JsonPropertyName("shape")]
    [OmitWhenEmpty]
    public string Shape { get; init; } = "";

    /// <summary>Returns this fn with zero memory, timeout and idle timeout replaced by their defaults.</summary>
    public Fn WithDefaults() => this with
    {
        Memory = Memory == 0 ? DefaultMemoryMiB : Memory,
        Timeout = Timeout == 0 ? DefaultTimeoutSeconds : Timeout,
        IdleTimeout = IdleTimeout == 0 ? DefaultIdleTimeoutSeconds : IdleTimeout,
    };
}
