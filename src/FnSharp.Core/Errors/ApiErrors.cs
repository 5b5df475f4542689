namespace FnSharp.Core.Errors;

/// <summary>
/// The errors of Fn's API, with the messages Fn's clients know (Fn <c>api/models/error.go</c>;
/// <c>fn-compat.md</c> sections 2 and 3).
/// </summary>
public static class ApiErrors
{
    /// <summary>400: the body is not valid JSON.</summary>
    public static readonly ApiError InvalidJson = new(400, "Invalid JSON");

    /// <summary>
    /// 400 <see cref="InvalidJson"/> with Fn's message, and where the body went wrong in FnSharp's <c>detail</c>
    /// (the field and the kind of value it takes, or the line and byte at which the body stopped parsing).
    /// </summary>
    /// <param name="detail">What to fix, for people: never exception text.</param>
    public static ApiError InvalidJsonAt(string detail) => InvalidJson with { Detail = detail };

    /// <summary>400: the resource has no name.</summary>
    public static readonly ApiError MissingName = new(400, "Missing Name");

    /// <summary>400: the fn has no app id.</summary>
    public static readonly ApiError MissingAppId = new(400, "Missing App ID");

    /// <summary>400: the fn has no image.</summary>
    public static readonly ApiError MissingImage = new(400, "Missing image");

    /// <summary>400: an image name with control characters or broken Unicode.</summary>
    public static readonly ApiError InvalidImage = new(400, "image must not contain control characters");

    /// <summary>400: a trigger source with control characters or broken Unicode.</summary>
    public static readonly ApiError InvalidTriggerSource = new(400, "trigger source must not contain control characters");

    /// <summary>400: a create body carried an id.</summary>
    public static readonly ApiError IdProvided = new(400, "ID cannot be provided for create");

    /// <summary>400: memory outside 0..8192 MiB.</summary>
    public static readonly ApiError MemoryOutOfRange = new(400, "memory value is out of range. It should be between 0 and 8192");

    /// <summary>400: timeout outside 0..300 s.</summary>
    public static readonly ApiError TimeoutOutOfRange = new(400, "timeout value is out of range, must be between 0 and 300");

    /// <summary>400: idle timeout outside 0..3600 s.</summary>
    public static readonly ApiError IdleTimeoutOutOfRange = new(400, "idle_timeout value is out of range, must be between 0 and 3600");

    /// <summary>400: an app name with characters other than letters, digits, <c>_</c> and <c>-</c>, or too long.</summary>
    public static readonly ApiError InvalidAppName = new(400, "app name must be 1 to 255 characters, each a letter, a digit, '_' or '-'");

    /// <summary>400: a fn name that URL-path escaping would change, or too long.</summary>
    public static readonly ApiError InvalidFnName = new(400, "fn name must be 1 to 255 characters that need no escaping in a URL path");

    /// <summary>400: a trigger has no fn id.</summary>
    public static readonly ApiError MissingFnId = new(400, "Missing Fn ID");

    /// <summary>400: a trigger create body carried <c>created_at</c>.</summary>
    public static readonly ApiError CreatedAtProvided = new(400, "Trigger Created At Provided for Create");

    /// <summary>400: a trigger create body carried <c>updated_at</c> (Fn's message, which says "ID", kept as Fn's clients know it).</summary>
    public static readonly ApiError UpdatedAtProvided = new(400, "Trigger ID Provided for Create");

    /// <summary>400: an app <c>id</c> in a PUT body differs from the path's.</summary>
    public static readonly ApiError AppIdMismatch = new(400, "App ID in path does not match ID in body");

    /// <summary>400: a fn <c>id</c> in a PUT body differs from the path's.</summary>
    public static readonly ApiError FnIdMismatch = new(400, "Fn ID in path does not match ID in body");

    /// <summary>400: a trigger <c>id</c> in a PUT body differs from the path's.</summary>
    public static readonly ApiError TriggerIdMismatch = new(400, "Trigger ID in path does not match ID in body");

    /// <summary>400: an app shape other than <c>""</c>, <c>GENERIC_X86</c>, <c>GENERIC_ARM</c> and <c>GENERIC_X86_ARM</c>.</summary>
    public static readonly ApiError InvalidAppShape = new(400, "Invalid app shape");

    /// <summary>400: a trigger name with characters other than letters, digits, <c>_</c> and <c>-</c>, or too long.</summary>
    public static readonly ApiError InvalidTriggerName = new(400, "trigger name must be 1 to 255 characters, each a letter, a digit, '_' or '-'");

    /// <summary>400: a trigger type other than <c>http</c>, <c>cron</c> or <c>nats</c>.</summary>
    public static readonly ApiError TriggerTypeUnknown = new(400, "Trigger Type Not Supported");

    /// <summary>400: an invalid cron expression or time zone of a cron trigger, with what is wrong.</summary>
    public static ApiError InvalidCron(string message) => new(400, message);

    /// <summary>400: a trigger without a source.</summary>
    public static readonly ApiError MissingTriggerSource = new(400, "Missing Trigger Source");

    /// <summary>400: a trigger source that does not start with <c>/</c>.</summary>
    public static readonly ApiError MissingTriggerSourcePrefix = new(400, "Missing Trigger Source Prefix '/'");

    /// <summary>400: an http trigger (the default type) whose source is a cron schedule: its type was left out.</summary>
    public static ApiError CronSourceOnHttpTrigger(string source) =>
        new(400, $"Missing Trigger Source Prefix '/': '{source}' is a cron schedule, so the trigger needs \"type\": \"cron\" (fnsharp create trigger ... --type cron); an http trigger's source is a path such as /hello");

    /// <summary>400: a trigger names a fn of another app.</summary>
    public static readonly ApiError TriggerFnNotInApp = new(400, "Invalid Fn ID - not owned by specified app");

    /// <summary>400: an annotation key that is empty or not printable ASCII without spaces (<c>^[!-~]+$</c>).</summary>
    public static readonly ApiError InvalidAnnotationKey = new(400, "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace");

    /// <summary>400: an annotation key longer than 128 bytes.</summary>
    public static readonly ApiError InvalidAnnotationKeyLength = new(400, "Invalid annotation key length, annotation keys may not be larger than 128 bytes");

    /// <summary>400: an annotation value that is null, an empty string, an empty object or array, or a boolean.</summary>
    public static readonly ApiError InvalidAnnotationValue = new(400, "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays");

    /// <summary>400: an annotation value over 512 bytes serialized.</summary>
    public static readonly ApiError InvalidAnnotationValueLength = new(400, "Invalid annotation value length, annotation values may not be larger than 512 bytes when serialized as JSON");

    /// <summary>400: <c>fnsharp.io/async-retries</c> on a fn is not an integer from 0 to 10.</summary>
    public static readonly ApiError InvalidAsyncRetries = new(400, "Invalid annotation fnsharp.io/async-retries: use an integer from 0 to 10 (the retries of a detached call after a function failure)");

    /// <summary>400: <c>fnsharp.io/min-hot</c> on a fn is not an integer from 0 to 100.</summary>
    public static readonly ApiError InvalidMinHot = new(400, "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)");

    /// <summary>400: <c>fnsharp.io/min-hot</c> asks for more container memory than this node can keep hot.</summary>
    public static ApiError MinHotTooMuchMemory(int minHot, int memoryMiB, long availableMiB, long totalMiB) => new(
        400,
        $"Invalid annotation fnsharp.io/min-hot: {minHot} containers of {memoryMiB} MiB need {(long)minHot * memoryMiB} MiB, and this node can keep {availableMiB} MiB hot ({totalMiB} MiB for containers, less what other fns' min-hot keep); lower fnsharp.io/min-hot or the fn's memory");

    /// <summary>400: <c>fnsharp.io/pull-policy</c> on a fn is neither <c>"if-not-present"</c> nor <c>"always"</c>.</summary>
    public static readonly ApiError InvalidPullPolicy = new(400, "Invalid annotation fnsharp.io/pull-policy: use \"if-not-present\" (the default: pull only a missing image) or \"always\" (pull before each start, for moving tags)");

    /// <summary>400: <c>fnsharp.io/max-concurrency</c> on a fn is not a whole number from 1 to 100000.</summary>
    public static readonly ApiError InvalidMaxConcurrency = new(400, "Invalid annotation fnsharp.io/max-concurrency: use a whole number from 1 to 100000 (the most calls of the fn that run at once on a node), or remove it for no cap");

    /// <summary>400: a destination annotation (<c>fnsharp.io/on-success</c>, <c>fnsharp.io/on-failure</c>) that is not a non-empty string.</summary>
    public static ApiError InvalidDestination(string annotation) =>
        new(400, $"Invalid annotation {annotation}: name a fn of the same app, by its name or its id, as a string");

    /// <summary>400: a destination annotation that names no fn of the fn's app.</summary>
    public static ApiError DestinationNotFound(string annotation, string value, string appName) =>
        new(400, $"Invalid annotation {annotation} '{value}': app '{appName}' has no fn of that name or id; create that fn first, or name another fn of the app");

    /// <summary>400: destination annotations that make a loop (a fn that is its own destination, directly or through others); <paramref name="loop"/> names the fns in order, the first again at the end.</summary>
    public static ApiError DestinationLoop(string annotation, string value, IEnumerable<string> loop) =>
        new(400, $"Invalid annotation {annotation} '{value}': it makes a loop of destinations ({string.Join(" -> ", loop)}); a fn may not be its own destination, directly or through other fns' destinations");

    /// <summary>400: <c>fnsharp.io/invoke-type</c> on a trigger is neither <c>"sync"</c> nor <c>"detached"</c>.</summary>
    public static readonly ApiError InvalidTriggerInvokeType = new(400, "Invalid annotation fnsharp.io/invoke-type: use \"sync\" (the default) or \"detached\"");

    /// <summary>400: <c>fnsharp.io/auth</c> on a trigger is neither <c>"key"</c> nor <c>"public"</c>.</summary>
    public static readonly ApiError InvalidTriggerAuth = new(400, "Invalid annotation fnsharp.io/auth: use \"key\" (calls need an invoke key of the app) or \"public\" (the default)");

    /// <summary>400: <c>fnsharp.io/cron-paused</c> on a cron trigger is neither <c>"true"</c> nor <c>"false"</c>.</summary>
    public static readonly ApiError InvalidCronPaused = new(400, "Invalid annotation fnsharp.io/cron-paused: use \"true\" (paused) or \"false\" (running, the default)");

    /// <summary>400: <c>fnsharp.io/cron-overlap</c> on a cron trigger is neither <c>"skip"</c> nor <c>"queue"</c>.</summary>
    public static readonly ApiError InvalidCronOverlap = new(400, "Invalid annotation fnsharp.io/cron-overlap: use \"skip\" (skip a tick while the previous call is queued or running) or \"queue\" (the default)");

    /// <summary>400: a nats trigger is created on a server without <c>FN_NATS_URL</c>.</summary>
    public static readonly ApiError NatsNotConfigured = new(400, "This server has no NATS configured, so it cannot run nats triggers: set FN_NATS_URL (for example nats://127.0.0.1:4222) on every node and restart it");

    /// <summary>400: a nats trigger's subject is not one to subscribe to.</summary>
    public static ApiError InvalidNatsSubject(string subject) => new(400, $"Invalid NATS subject '{subject}': use tokens of printable characters without spaces separated by '.', such as 'orders.created' ('*' and '>' as wildcards)");

    /// <summary>400: a nats trigger's subject that reaches NATS's own traffic (replies, JetStream's API, the system account).</summary>
    public static ApiError ReservedNatsSubject(string subject) => new(400, $"NATS subject '{subject}' is reserved or would capture NATS's own traffic: subjects starting with '$' or '_INBOX', or whose first token is a wildcard ('*' or '>'), carry replies and JetStream's API, and a trigger on them would call its fn for each; start with a name of your own, such as 'orders.>'");

    /// <summary>400: <c>fnsharp.io/rate-limit</c> on an app is not a whole number from 0 to 1000000.</summary>
    public static readonly ApiError InvalidRateLimit = new(400, "Invalid annotation fnsharp.io/rate-limit: use a whole number of calls per second per node from 0 (no limit) to 1000000");

    /// <summary>400: more than 100 annotations on one resource.</summary>
    public static readonly ApiError TooManyAnnotations = new(400, "Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (100)");

    /// <summary>400: a list cursor that is not one this server made (Fn answers 500 here), with where a cursor comes from.</summary>
    public static readonly ApiError InvalidCursor = new(400, "invalid cursor: pass the next_cursor of the list's previous page as it came, or leave cursor out to start from the first page");

    /// <summary>404: no app with that id or name.</summary>
    public static readonly ApiError AppNotFound = new(404, "App not found");

    /// <summary>404: no fn with that id.</summary>
    public static readonly ApiError FnNotFound = new(404, "Fn not found");

    /// <summary>404: no trigger with that id.</summary>
    public static readonly ApiError TriggerNotFound = new(404, "Trigger not found");

    /// <summary>404: the fn has no call with that id (Fn's v1 message).</summary>
    public static readonly ApiError CallNotFound = new(404, "Call not found");

    /// <summary>404: no log was stored for that call of the fn.</summary>
    public static readonly ApiError CallLogNotFound = new(404, "Call log not found");

    /// <summary>404: no route for the path.</summary>
    public static readonly ApiError PathNotFound = new(404, "Path not found");

    /// <summary>405: the route exists but not for this method.</summary>
    public static readonly ApiError MethodNotAllowed = new(405, "Method not allowed");

    /// <summary>409: an app of that name exists.</summary>
    public static readonly ApiError AppAlreadyExists = new(409, "App already exists");

    /// <summary>409: a fn of that name exists in the app.</summary>
    public static readonly ApiError FnAlreadyExists = new(409, "Fn with specified name already exists");

    /// <summary>409: a PUT tried to rename an app.</summary>
    public static readonly ApiError AppNameImmutable = new(409, "Could not update - name is immutable");

    /// <summary>409: a PUT tried to move a fn to another app (Fn refuses this too).</summary>
    public static readonly ApiError FnAppIdImmutable = new(409, "Could not update - app_id is immutable");

    /// <summary>409: a PUT tried to change a trigger's app, fn or type.</summary>
    public static readonly ApiError TriggerImmutableField = new(409, "Could not update - app_id, fn_id and type of a trigger are immutable");

    /// <summary>409: the app, fn and name of a trigger are taken.</summary>
    public static readonly ApiError TriggerAlreadyExists = new(409, "Trigger already exists");

    /// <summary>409: another trigger of the app has the same type and source.</summary>
    public static readonly ApiError TriggerSourceExists = new(409, "Trigger with the same type and source exists on this app");

    /// <summary>409: another cron or NATS trigger of the fn has the same type and source.</summary>
    public static readonly ApiError TriggerSourceExistsOnFn = new(409, "Trigger with the same type and source exists on this fn");

    /// <summary>409: a re-drive asked for a call that is not a dead letter.</summary>
    public static readonly ApiError CallNotDeadLetter = new(409, "Call is not a dead letter");

    /// <summary>500: a fault of the server itself; details go to the log, never to the client.</summary>
    public static readonly ApiError Internal = new(500, "internal server error");

    /// <summary>503: no capacity within the wait limit; sent with <c>Retry-After</c>.</summary>
    public static readonly ApiError TooBusy = new(503, "Timed out - server too busy");

    /// <summary>400: a <c>syslog_url</c> that is not a list of <c>udp</c>, <c>tcp</c>, <c>unix</c>, <c>unixgram</c> or <c>tcp+tls</c> URLs.</summary>
    /// <param name="detail">What is wrong with it, for people.</param>
    public static ApiError InvalidSyslogUrl(string detail) => new(400, "invalid syslog url: " + detail);

    /// <summary>400: a config entry or a whole config that a container's environment cannot hold (<see cref="Validation.ModelValidator.ValidateConfig"/>).</summary>
    /// <param name="detail">Which key and what is wrong with it, for people.</param>
    public static ApiError InvalidConfig(string detail) => new(400, detail);

    /// <summary>413: a request body over the configured maximum.</summary>
    /// <param name="length">The request's length, in bytes.</param>
    /// <param name="max">The configured maximum, in bytes.</param>
    public static ApiError RequestTooLarge(long length, long max) =>
        new(413, $"Content-Length too large for this server, {length} > max {max}");
}
