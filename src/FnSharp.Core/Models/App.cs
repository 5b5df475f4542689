namespace FnSharp.Core.Models;

/// <summary>
/// An application: a named group of fns and triggers that share configuration.
/// Field names follow Fn's v2 API (<c>fn-swagger-v2.yml</c>, definition <c>App</c>).
/// </summary>
public sealed record App : Resource
{
    /// <summary>Environment given to every container of the app's fns; a fn's own config wins on conflict.</summary>
    [JsonPropertyName("config")]
    [OmitWhenEmpty]
    public IReadOnlyDictionary<string, string> Config { get; init; } = EmptyConfig;

    /// <summary>Free-form annotations: keys are printable ASCII, values any non-empty JSON.</summary>
    [JsonPropertyName("annotations")]
    [OmitWhenEmpty]
    public IReadOnlyDictionary<string, JsonElement> Annotations { get; init; } = EmptyAnnotations;

    /// <summary>Where the app's function logs are sent, or <see langword="null"/> when unset.</summary>
    [JsonPropertyName("syslog_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SyslogUrl { get; init; }

    /// <summary>The processor architecture the app's images are built for (<c>""</c>, <c>GENERIC_X86</c>, ...).</summary>
    [JsonPropertyName("shape")]
    [OmitWhenEmpty]
    public string Shape { get; init; } = "";

    /// <summary>The shapes an app may have: <c>""</c> (unset, run as <c>GENERIC_X86</c>), <c>GENERIC_X86</c>, <c>GENERIC_ARM</c>, <c>GENERIC_X86_ARM</c>.</summary>
    public static IReadOnlySet<string> Shapes { get; } = new HashSet<string>(StringComparer.Ordinal) { "", "GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM" };

    internal static readonly IReadOnlyDictionary<string, string> EmptyConfig = new Dictionary<string, string>();
    internal static readonly IReadOnlyDictionary<string, JsonElement> EmptyAnnotations = new Dictionary<string, JsonElement>();
}
