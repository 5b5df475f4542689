using System.Text.Json;

namespace FnSharp.Server.Apis;

/// <summary>
/// The annotations the server adds to fns and triggers in its responses and never stores
/// (<c>fn-compat.md</c> section 1). Bodies that carry them (a GET body sent back with PUT) have them
/// removed before storing.
/// </summary>
internal static class ComputedAnnotations
{
    /// <summary>The fn's invoke URL, <c>&lt;base&gt;/invoke/&lt;fnID&gt;</c>; Fn's CLI reads it.</summary>
    public const string FnInvokeEndpoint = "fnproject.io/fn/invokeEndpoint";

    /// <summary>The trigger's URL, <c>&lt;base&gt;/t/&lt;appName&gt;&lt;source&gt;</c>.</summary>
    public const string TriggerHttpEndpoint = "fnproject.io/trigger/httpEndpoint";

    /// <summary>The next run times of a cron trigger (UTC, RFC 3339 with milliseconds, at most <see cref="NextRunCount"/>); empty while it is paused.</summary>
    public const string CronNextRuns = "fnsharp.io/cron-next-runs";

    /// <summary>How many run times <see cref="CronNextRuns"/> lists.</summary>
    public const int NextRunCount = 5;

    /// <summary>The configured public URL (<c>FN_PUBLIC_LB_URL</c>) without a trailing slash, else the request's scheme and host.</summary>
    public static string BaseUrl(HttpRequest request, ServerOptions options) =>
        options.PublicLbUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";

    /// <summary><paramref name="annotations"/> with <paramref name="key"/> set to the string <paramref name="value"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> With(IReadOnlyDictionary<string, JsonElement> annotations, string key, string value) =>
        new Dictionary<string, JsonElement>(annotations, StringComparer.Ordinal) { [key] = JsonSerializer.SerializeToElement(value, ApiJsonContext.Default.String) };

    /// <summary><paramref name="annotations"/> with <paramref name="key"/> set to the array of strings <paramref name="values"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> With(IReadOnlyDictionary<string, JsonElement> annotations, string key, string[] values) =>
        new Dictionary<string, JsonElement>(annotations, StringComparer.Ordinal) { [key] = JsonSerializer.SerializeToElement(values, ApiJsonContext.Default.StringArray) };

    /// <summary><paramref name="annotations"/> without the computed annotations of triggers.</summary>
    public static IReadOnlyDictionary<string, JsonElement> WithoutTriggerComputed(IReadOnlyDictionary<string, JsonElement> annotations) =>
        Without(Without(annotations, TriggerHttpEndpoint), CronNextRuns);

    /// <summary><paramref name="annotations"/> without <paramref name="key"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Without(IReadOnlyDictionary<string, JsonElement> annotations, string key)
    {
        if (!annotations.ContainsKey(key))
        {
            return annotations;
        }

        var copy = new Dictionary<string, JsonElement>(annotations, StringComparer.Ordinal);
        copy.Remove(key);
        return copy;
    }
}
