using System.Buffers;
using System.Globalization;
using System.Text;
using FnSharp.Core.Scheduling;
using FnSharp.Core.Storage;

namespace FnSharp.Core.Validation;

/// <summary>
/// Checks apps, fns and triggers before they are stored, with Fn's rules and messages
/// (<c>fn-compat.md</c> section 1; Fn <c>api/models/app.go</c>, <c>fn.go</c>, <c>trigger.go</c>,
/// <c>annotations.go</c>). Each method returns the first error found, or <see langword="null"/> when valid.
/// </summary>
public static class ModelValidator
{
    /// <summary>Most annotations one resource may carry.</summary>
    public const int MaxAnnotations = 100;

    /// <summary>Longest annotation key, in UTF-8 bytes.</summary>
    public const int MaxAnnotationKeyBytes = 128;

    /// <summary>Longest annotation value, in bytes of its compact JSON serialization.</summary>
    public const int MaxAnnotationValueBytes = 512;

    /// <summary>
    /// Longest config entry, as <c>KEY=VALUE</c> in UTF-8 bytes: Linux refuses to start a process with an
    /// environment string of 128 KiB or more, its terminating NUL included (<c>MAX_ARG_STRLEN</c>).
    /// </summary>
    public const int MaxConfigEntryBytes = 128 * 1024 - 1;

    /// <summary>
    /// Most bytes the config of one app or of one fn may take in a container's environment, counting each
    /// entry as its key and value in UTF-8 plus <see cref="ConfigEntryOverheadBytes"/>. Linux gives a
    /// process's arguments and environment together a quarter of its stack limit (2 MiB under the usual
    /// 8 MiB); an app's config and its fn's, at most 960 KiB each, leave 128 KiB of it for the image's
    /// command and environment and the <c>FN_*</c> variables.
    /// </summary>
    public const int MaxConfigBytes = 960 * 1024;

    /// <summary>What one config entry takes beyond its key and value: the <c>=</c>, the terminating NUL and the 8-byte pointer to it.</summary>
    public const int ConfigEntryOverheadBytes = 10;

    private const int MaxNameLength = 255;

    // Keys are shown in messages up to this many characters.
    private const int MaxShownKeyLength = 64;

    // What Go's url.PathEscape leaves alone (Fn checks PathEscape(name) == name): unreserved characters and "$&+,:;=@".
    private static readonly SearchValues<char> FnNameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~$&+,:;=@");

    private static readonly HashSet<string> SyslogSchemes = new(StringComparer.Ordinal) { "udp", "tcp", "unix", "unixgram", "tcp+tls" };

    /// <summary>Checks an app to be created, or the result of an update.</summary>
    public static ApiError? ValidateApp(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Name.Length == 0)
        {
            return ApiErrors.MissingName;
        }

        if (!IsValidAppName(app.Name))
        {
            return ApiErrors.InvalidAppName;
        }

        if (!App.Shapes.Contains(app.Shape))
        {
            return ApiErrors.InvalidAppShape;
        }

        return ValidateSyslogUrl(app.SyslogUrl) ?? ValidateAnnotations(app.Annotations)
            ?? (FnSharpAnnotations.RateLimitOf(app.Annotations) is -1 ? ApiErrors.InvalidRateLimit : null)
            ?? ValidateConfig(app.Config);
    }

    /// <summary>Checks a fn to be created or the result of an update, before defaults are applied.</summary>
    public static ApiError? ValidateFn(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (fn.AppId.Length == 0)
        {
            return ApiErrors.MissingAppId;
        }

        if (fn.Name.Length == 0)
        {
            return ApiErrors.MissingName;
        }

        if (fn.Name.Length > MaxNameLength || fn.Name.AsSpan().ContainsAnyExcept(FnNameCharacters))
        {
            return ApiErrors.InvalidFnName;
        }

        if (fn.Image.Length == 0)
        {
            return ApiErrors.MissingImage;
        }

        if (!IsPlainText(fn.Image))
        {
            return ApiErrors.InvalidImage;
        }

        if (fn.Memory is < 0 or > Fn.MaxMemoryMiB)
        {
            return ApiErrors.MemoryOutOfRange;
        }

        if (fn.Timeout is < 0 or > Fn.MaxTimeoutSeconds)
        {
            return ApiErrors.TimeoutOutOfRange;
        }

        if (fn.IdleTimeout is < 0 or > Fn.MaxIdleTimeoutSeconds)
        {
            return ApiErrors.IdleTimeoutOutOfRange;
        }

        return ValidateAnnotations(fn.Annotations)
            ?? (FnSharpAnnotations.AsyncRetriesOf(fn.Annotations) is null ? ApiErrors.InvalidAsyncRetries : null)
            ?? (FnSharpAnnotations.PullAlwaysOf(fn.Annotations) is null ? ApiErrors.InvalidPullPolicy : null)
            ?? (FnSharpAnnotations.MaxConcurrencyOf(fn.Annotations) is -1 ? ApiErrors.InvalidMaxConcurrency : null)
            ?? (FnSharpAnnotations.MinHotOf(fn.Annotations) is null ? ApiErrors.InvalidMinHot : null)
            ?? DestinationGraph.ValidateValues(fn.Annotations)
            ?? ValidateConfig(fn.Config);
    }

    /// <summary>Checks a trigger to be created or the result of an update, in Fn's order of checks.</summary>
    public static ApiError? ValidateTrigger(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (trigger.AppId.Length == 0)
        {
            return ApiErrors.MissingAppId;
        }

        if (trigger.Name.Length == 0)
        {
            return ApiErrors.MissingName;
        }

        if (!IsValidAppName(trigger.Name))
        {
            return ApiErrors.InvalidTriggerName;
        }

        if (trigger.FnId.Length == 0)
        {
            return ApiErrors.MissingFnId;
        }

        if (trigger.Type is not (Trigger.HttpType or Trigger.CronType or Trigger.NatsType))
        {
            return ApiErrors.TriggerTypeUnknown;
        }

        if (trigger.Source.Length == 0)
        {
            return ApiErrors.MissingTriggerSource;
        }

        if (trigger.Type == Trigger.CronType)
        {
            return ValidateCronTrigger(trigger);
        }

        if (trigger.Type == Trigger.NatsType)
        {
            return !IsNatsSubject(trigger.Source) ? ApiErrors.InvalidNatsSubject(trigger.Source)
                : IsReservedNatsSubject(trigger.Source) ? ApiErrors.ReservedNatsSubject(trigger.Source)
                : ValidateAnnotations(trigger.Annotations);
        }

        if (!trigger.Source.StartsWith('/'))
        {
            // A schedule given without its type (the default type is http) gets a hint, not only Fn's bare message.
            return CronSchedule.TryParse(trigger.Source, null, out _) is not null
                ? ApiErrors.CronSourceOnHttpTrigger(trigger.Source)
                : ApiErrors.MissingTriggerSourcePrefix;
        }

        if (!IsPlainText(trigger.Source))
        {
            return ApiErrors.InvalidTriggerSource;
        }

        return ValidateAnnotations(trigger.Annotations)
            ?? (FnSharpAnnotations.DetachedOf(trigger.Annotations) is null ? ApiErrors.InvalidTriggerInvokeType : null)
            ?? (FnSharpAnnotations.AuthOf(trigger.Annotations) is null ? ApiErrors.InvalidTriggerAuth : null);
    }

    /// <summary>
    /// The schedule of a cron trigger (its source and <c>fnsharp.io/cron-timezone</c>), or <see langword="null"/>
    /// with <paramref name="error"/> (400, saying what is wrong) when either is invalid.
    /// </summary>
    public static CronSchedule? CronScheduleOf(Trigger trigger, out ApiError? error)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var zone = FnSharpAnnotations.StringOf(trigger.Annotations, FnSharpAnnotations.CronTimezone, out var zoneValid);
        if (!zoneValid)
        {
            error = ApiErrors.InvalidCron($"Invalid annotation {FnSharpAnnotations.CronTimezone}: use a string naming an IANA time zone such as 'Europe/Paris'");
            return null;
        }

        var schedule = CronSchedule.TryParse(trigger.Source, zone, out var message);
        error = message is null ? null : ApiErrors.InvalidCron(message);
        return schedule;
    }

    private static ApiError? ValidateCronTrigger(Trigger trigger)
    {
        if (CronScheduleOf(trigger, out var error) is not { } schedule)
        {
            return error;
        }

        if (schedule.Next(DateTimeOffset.UnixEpoch) is null)
        {
            // Valid fields that name a date that never comes: accepted, it would look like a paused trigger.
            return ApiErrors.InvalidCron($"Invalid cron expression '{trigger.Source}': it never runs (its day and month name a date that does not exist, such as 30 February)");
        }

        return ValidateAnnotations(trigger.Annotations)
            ?? (FnSharpAnnotations.PausedOf(trigger.Annotations) is null ? ApiErrors.InvalidCronPaused : null)
            ?? (FnSharpAnnotations.SkipOverlapOf(trigger.Annotations) is null ? ApiErrors.InvalidCronOverlap : null);
    }

    /// <summary>
    /// Whether the valid subject <paramref name="subject"/> reaches NATS's own traffic: a first token starting with
    /// <c>$</c> (JetStream's API, the system account) or <c>_INBOX</c> (replies), or a wildcard first token, which
    /// matches those too. A stream on such a subject captures the replies of the trigger's own consumer, so that
    /// each of them becomes a call (found from outside: about 400 calls a second with nothing published).
    /// </summary>
    public static bool IsReservedNatsSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var first = subject.Split('.')[0];
        return first is "*" or ">" || first.StartsWith('$') || first.StartsWith("_INBOX", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="subject"/> is a NATS subject to subscribe to: tokens of printable ASCII without spaces, separated by single dots; <c>*</c> a whole token, <c>&gt;</c> only the last.</summary>
    public static bool IsNatsSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Length is 0 or > 255)
        {
            return false;
        }

        var tokens = subject.Split('.');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Length == 0 || token.Any(c => c is <= ' ' or > '~'))
            {
                return false;
            }

            if ((token.Contains('*', StringComparison.Ordinal) && token != "*") || (token.Contains('>', StringComparison.Ordinal) && (token != ">" || i != tokens.Length - 1)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks annotations: at most 100; keys non-empty printable ASCII without spaces (<c>^[!-~]+$</c>)
    /// of at most 128 bytes; values a non-empty string, a number, an object or an array, at most 512
    /// bytes as compact JSON.
    /// </summary>
    public static ApiError? ValidateAnnotations(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (annotations.Count > MaxAnnotations)
        {
            return ApiErrors.TooManyAnnotations;
        }

        foreach (var (key, value) in annotations)
        {
            if (Encoding.UTF8.GetByteCount(key) > MaxAnnotationKeyBytes)
            {
                return ApiErrors.InvalidAnnotationKeyLength;
            }

            if (key.Length == 0 || key.AsSpan().ContainsAnyExceptInRange('!', '~'))
            {
                return ApiErrors.InvalidAnnotationKey;
            }

            var valid = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!.Length > 0,
                JsonValueKind.Number or JsonValueKind.Object or JsonValueKind.Array => true,
                _ => false,
            };
            if (!valid)
            {
                return ApiErrors.InvalidAnnotationValue;
            }

            if (SerializedLength(value) > MaxAnnotationValueBytes)
            {
                return ApiErrors.InvalidAnnotationValueLength;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks a config (an app's or a fn's) against what a container's environment can hold, since every
    /// entry becomes an environment variable of the fn's containers: a key must be non-empty (the engine
    /// refuses <c>=value</c>) and hold no <c>=</c> (the variable's name would end there, and the function
    /// would see another name); neither key nor value may hold NUL (runc refuses it); one entry is at most
    /// <see cref="MaxConfigEntryBytes"/> and all of them <see cref="MaxConfigBytes"/> (Linux refuses to start
    /// the process otherwise). Anything else, spaces and other characters in keys included, reaches the
    /// process as Fn passes it. Fn itself checks none of this, and its calls then fail at every start.
    /// </summary>
    /// <returns>The first entry that breaks a rule, as a 400 naming its key; <see langword="null"/> when the config is valid.</returns>
    public static ApiError? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long total = 0;
        foreach (var (key, value) in config.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var why = key.Length == 0 ? "it is empty"
                : key.Contains('=', StringComparison.Ordinal) ? "it contains '=', where the variable's name would end"
                : key.Contains('\0', StringComparison.Ordinal) ? "it contains NUL (\\0)"
                : null;
            if (why is not null)
            {
                return ApiErrors.InvalidConfig($"config key '{Shown(key)}' is not valid: {why}; each config key becomes the name of an environment variable in the fn's containers");
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                return ApiErrors.InvalidConfig($"config value of '{Shown(key)}' is not valid: it contains NUL (\\0), which an environment variable cannot hold");
            }

            var bytes = (long)Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value);
            if (bytes > MaxConfigEntryBytes)
            {
                return ApiErrors.InvalidConfig(string.Create(CultureInfo.InvariantCulture, $"config entry '{Shown(key)}' is too long: {bytes} bytes as KEY=VALUE in UTF-8, more than the {MaxConfigEntryBytes} one environment variable may take"));
            }

            total += bytes - 1 + ConfigEntryOverheadBytes;
        }

        return total > MaxConfigBytes
            ? ApiErrors.InvalidConfig(string.Create(CultureInfo.InvariantCulture, $"config is too large: its {config.Count} entries take {total} bytes of a container's environment (key and value in UTF-8 plus {ConfigEntryOverheadBytes} each), more than {MaxConfigBytes} (960 KiB)"))
            : null;
    }

    /// <summary>
    /// Checks a <c>syslog_url</c>: unset, or a comma-separated list of absolute URLs whose schemes are
    /// <c>udp</c>, <c>tcp</c>, <c>unix</c>, <c>unixgram</c> or <c>tcp+tls</c> (Fn <c>validateSyslogURLs</c>).
    /// </summary>
    public static ApiError? ValidateSyslogUrl(string? syslogUrl)
    {
        if (syslogUrl is null)
        {
            return null;
        }

        foreach (var part in syslogUrl.Split(','))
        {
            var text = part.Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                return ApiErrors.InvalidSyslogUrl($"'{text}' is not an absolute URL such as tcp://logs.example.com:514");
            }

            if (!SyslogSchemes.Contains(uri.Scheme))
            {
                return ApiErrors.InvalidSyslogUrl($"'{text}' has the scheme '{uri.Scheme}'; use udp, tcp, unix, unixgram or tcp+tls");
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="name"/> is 1..255 Unicode letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidAppName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            var category = char.GetUnicodeCategory(c);
            var letterOrDigit = char.IsLetterOrDigit(c) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!letterOrDigit && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    // No control characters (NUL among them) and no unpaired surrogates: text that every store can hold and a URL can carry.
    private static bool IsPlainText(string text) => StoredText.IsStorable(text) && !text.Any(char.IsControl);

    /// <summary>A key as shown in a message: control characters escaped (<c>\0</c>, <c>\u001b</c>), at most 64 characters.</summary>
    private static string Shown(string key)
    {
        var shown = new StringBuilder();
        var cut = key.Length <= MaxShownKeyLength ? key.Length : char.IsHighSurrogate(key[MaxShownKeyLength - 1]) ? MaxShownKeyLength - 1 : MaxShownKeyLength;
        foreach (var c in key.AsSpan(0, cut))
        {
            shown.Append(c switch
            {
                '\0' => "\\0",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return cut < key.Length ? shown.Append("...").ToString() : shown.ToString();
    }

    private static int SerializedLength(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return buffer.WrittenCount;
    }
}
