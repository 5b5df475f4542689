using System.Globalization;

namespace FnSharp.Core.Models;

/// <summary>
/// The annotations FnSharp itself reads (keys under <c>fnsharp.io/</c>), their parsing, and the check
/// that refuses a bad value when a fn or trigger is created or updated (400 with the allowed values).
/// </summary>
public static class FnSharpAnnotations
{
    /// <summary>On a fn: how many times a detached call is retried after a function failure, an integer from 0 to <see cref="MaxAsyncRetries"/> (a JSON number, or a string of digits); 0 when absent.</summary>
    public const string AsyncRetries = "fnsharp.io/async-retries";

    /// <summary>The most retries <see cref="AsyncRetries"/> may ask for.</summary>
    public const int MaxAsyncRetries = 10;

    /// <summary>
    /// On a fn: how many of its containers the node keeps hot, an integer from 0 to <see cref="MaxMinHot"/>
    /// (a JSON number, or a string of digits); 0 when absent. They start when the fn is created or updated and
    /// when the server starts, are replaced when one dies, never idle out, and reserve their memory.
    /// </summary>
    public const string MinHot = "fnsharp.io/min-hot";

    /// <summary>The most containers <see cref="MinHot"/> may ask for.</summary>
    public const int MaxMinHot = 100;

    /// <summary>On an HTTP trigger: <c>"detached"</c> makes its calls detached, <c>"sync"</c> (the default) synchronous; the <c>Fn-Invoke-Type</c> header of a call wins.</summary>
    public const string InvokeType = "fnsharp.io/invoke-type";

    /// <summary>
    /// On an HTTP trigger: <c>"key"</c> makes its calls need an <c>invoke</c> (or <c>deploy</c>, <c>admin</c>)
    /// key of its app on a server with keys; <c>"public"</c>, the default, needs none, as webhooks expect.
    /// </summary>
    public const string Auth = "fnsharp.io/auth";

    /// <summary>The value of <see cref="Auth"/> that asks for a key.</summary>
    public const string AuthKey = "key";

    /// <summary>The value of <see cref="Auth"/> that asks for none (the default).</summary>
    public const string AuthPublic = "public";

    /// <summary>
    /// On an app: the calls per second its fns may get on each node, through <c>/invoke</c> and <c>/t</c>
    /// together (a whole number from 0 to <see cref="MaxRateLimit"/>, a JSON number or a string of digits; 0
    /// means no limit); overrides <c>FN_APP_CALLS_PER_SEC</c>.
    /// </summary>
    public const string RateLimit = "fnsharp.io/rate-limit";

    /// <summary>The highest <see cref="RateLimit"/>.</summary>
    public const int MaxRateLimit = 1_000_000;

    /// <summary>On a cron trigger: the IANA time zone its schedule is read in (<c>"Europe/Paris"</c>); UTC when absent.</summary>
    public const string CronTimezone = "fnsharp.io/cron-timezone";

    /// <summary>On a cron trigger: <c>"true"</c> pauses it (no calls), <c>"false"</c> or absent runs it. A resumed trigger does not catch up the ticks it missed while paused.</summary>
    public const string CronPaused = "fnsharp.io/cron-paused";

    /// <summary>
    /// On a cron trigger: <c>"skip"</c> skips a tick while the call of its previous tick is still queued or
    /// running; <c>"queue"</c> (the default) queues every tick.
    /// </summary>
    public const string CronOverlap = "fnsharp.io/cron-overlap";

    /// <summary>The value of <see cref="CronOverlap"/> that skips a tick while the previous call is pending.</summary>
    public const string CronOverlapSkip = "skip";

    /// <summary>The value of <see cref="CronOverlap"/> that queues every tick (the default).</summary>
    public const string CronOverlapQueue = "queue";

    /// <summary>
    /// On a fn: the fn of the same app called (detached) when a detached call of this fn succeeds, named by
    /// its name or its id (a string); as Lambda's on-success destination. See <see cref="Validation.DestinationGraph"/>.
    /// </summary>
    public const string OnSuccess = "fnsharp.io/on-success";

    /// <summary>On a fn: the fn of the same app called (detached) when a detached call of this fn becomes a dead letter, named by its name or its id (a string); as Lambda's on-failure destination.</summary>
    public const string OnFailure = "fnsharp.io/on-failure";

    /// <summary>The destination annotations, in the order they are checked.</summary>
    public static readonly IReadOnlyList<string> Destinations = [OnSuccess, OnFailure];

    /// <summary>The value of a string annotation, <see langword="null"/> when absent; <paramref name="valid"/> is <see langword="false"/> when present but not a string.</summary>
    public static string? StringOf(IReadOnlyDictionary<string, JsonElement> annotations, string key, out bool valid)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        valid = true;
        if (!annotations.TryGetValue(key, out var value))
        {
            return null;
        }

        valid = value.ValueKind == JsonValueKind.String;
        return valid ? value.GetString() : null;
    }

    /// <summary>The value of <see cref="CronPaused"/>: <see langword="true"/> for <c>"true"</c>, <see langword="false"/> for <c>"false"</c> or absent, <see langword="null"/> otherwise.</summary>
    public static bool? PausedOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        var value = StringOf(annotations, CronPaused, out var valid);
        return !valid ? null
            : value is null ? false
            : value switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            };
    }

    /// <summary>The value of <see cref="CronOverlap"/>: <see langword="true"/> for <c>"skip"</c>, <see langword="false"/> for <c>"queue"</c> or absent, <see langword="null"/> otherwise.</summary>
    public static bool? SkipOverlapOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        var value = StringOf(annotations, CronOverlap, out var valid);
        return !valid ? null
            : value is null ? false
            : value switch
            {
                CronOverlapSkip => true,
                CronOverlapQueue => false,
                _ => null,
            };
    }

    /// <summary>
    /// On a fn: when its image is pulled from its registry. <c>"if-not-present"</c> (the default) pulls only
    /// an image the node lacks; <c>"always"</c> asks the registry again before each container start (at most
    /// once per short cache, so a burst of starts pulls once), for moving tags such as <c>:latest</c>. As
    /// Kubernetes' <c>imagePullPolicy</c> spells them.
    /// </summary>
    public const string PullPolicy = "fnsharp.io/pull-policy";

    /// <summary>The value of <see cref="PullPolicy"/> that pulls only a missing image (the default).</summary>
    public const string PullIfNotPresent = "if-not-present";

    /// <summary>The value of <see cref="PullPolicy"/> that pulls before each start.</summary>
    public const string PullAlways = "always";

    /// <summary>
    /// On a fn: the most of its calls that run at once on a node, synchronous and detached together (as
    /// Lambda's reserved concurrency and Knative's container concurrency), a whole number from 1 to
    /// <see cref="MaxMaxConcurrency"/> (a JSON number or a string of digits); absent means no cap. Calls above
    /// it wait within the usual bounds, then get 503 with <c>Retry-After</c>; detached calls go back to the queue.
    /// </summary>
    public const string MaxConcurrency = "fnsharp.io/max-concurrency";

    /// <summary>The highest <see cref="MaxConcurrency"/>.</summary>
    public const int MaxMaxConcurrency = 100_000;

    /// <summary>The value of <see cref="MaxConcurrency"/> in <paramref name="annotations"/>: <see langword="null"/> when absent, -1 when it is not a whole number from 1 to <see cref="MaxMaxConcurrency"/>.</summary>
    public static int? MaxConcurrencyOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(MaxConcurrency, out var value))
        {
            return null;
        }

        var cap = -1;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out cap),
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out cap),
            _ => false,
        };
        return parsed && cap is >= 1 and <= MaxMaxConcurrency ? cap : -1;
    }

    /// <summary>The value of <see cref="AsyncRetries"/> in <paramref name="annotations"/>: 0 when absent, <see langword="null"/> when it is not an integer from 0 to <see cref="MaxAsyncRetries"/>.</summary>
    public static int? AsyncRetriesOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(AsyncRetries, out var value))
        {
            return 0;
        }

        var retries = -1;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out retries),
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out retries),
            _ => false,
        };
        return parsed && retries is >= 0 and <= MaxAsyncRetries ? retries : null;
    }

    /// <summary>The value of <see cref="MinHot"/> in <paramref name="annotations"/>: 0 when absent, <see langword="null"/> when it is not an integer from 0 to <see cref="MaxMinHot"/>.</summary>
    public static int? MinHotOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(MinHot, out var value))
        {
            return 0;
        }

        var count = -1;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out count),
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out count),
            _ => false,
        };
        return parsed && count is >= 0 and <= MaxMinHot ? count : null;
    }

    /// <summary>
    /// The value of <see cref="InvokeType"/> in <paramref name="annotations"/>: <see langword="true"/> for
    /// <c>"detached"</c>, <see langword="false"/> for <c>"sync"</c> or when absent (both in any case),
    /// <see langword="null"/> for anything else.
    /// </summary>
    public static bool? DetachedOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(InvokeType, out var value))
        {
            return false;
        }

        return value.ValueKind == JsonValueKind.String ? ParseInvokeType(value.GetString()) : null;
    }

    /// <summary>An invoke type, from a header or an annotation: <see langword="true"/> for <c>detached</c>, <see langword="false"/> for <c>sync</c> (any case), <see langword="null"/> otherwise.</summary>
    public static bool? ParseInvokeType(string? value) =>
        string.Equals(value, "detached", StringComparison.OrdinalIgnoreCase) ? true
        : string.Equals(value, "sync", StringComparison.OrdinalIgnoreCase) ? false
        : null;

    /// <summary>
    /// Whether <see cref="Auth"/> in <paramref name="annotations"/> asks for a key: <see langword="true"/> for
    /// <c>"key"</c>; <see langword="false"/> for <c>"public"</c>, when absent, or for any other value (which
    /// validation refuses at create and update).
    /// </summary>
    public static bool RequiresKey(IReadOnlyDictionary<string, JsonElement> annotations) => AuthOf(annotations) is true;

    /// <summary>The value of <see cref="Auth"/>: <see langword="true"/> for <c>"key"</c>, <see langword="false"/> for <c>"public"</c> or absent, <see langword="null"/> for anything else.</summary>
    public static bool? AuthOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(Auth, out var value))
        {
            return false;
        }

        return value.ValueKind != JsonValueKind.String ? null
            : value.GetString() switch
            {
                AuthKey => true,
                AuthPublic => false,
                _ => null,
            };
    }

    /// <summary>The value of <see cref="RateLimit"/>: <see langword="null"/> when absent, -1 when it is not a whole number from 0 to <see cref="MaxRateLimit"/>.</summary>
    public static int? RateLimitOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(RateLimit, out var value))
        {
            return null;
        }

        var limit = -1;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out limit),
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit),
            _ => false,
        };
        return parsed && limit is >= 0 and <= MaxRateLimit ? limit : -1;
    }

    /// <summary>
    /// The value of <see cref="PullPolicy"/>: <see langword="true"/> for <c>"always"</c>, <see langword="false"/>
    /// for <c>"if-not-present"</c> or when absent, <see langword="null"/> for anything else (which validation
    /// refuses at create and update).
    /// </summary>
    public static bool? PullAlwaysOf(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!annotations.TryGetValue(PullPolicy, out var value))
        {
            return false;
        }

        return value.ValueKind != JsonValueKind.String ? null
            : value.GetString() switch
            {
                PullAlways => true,
                PullIfNotPresent => false,
                _ => null,
            };
    }
}
