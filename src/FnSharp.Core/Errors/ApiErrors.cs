namespace FnSharp.Core.Errors;

/// <summary>
/// The errors of Fn's API, with the messages Fn's clients know (Fn <c>api/models/error.go</c>;
/// <c>fn-compat.md</c> sections 2 and 3).
/// </summary>
public static class ApiErrors
{
    /// <summary>400: the body is not valid JSON.</summary>
    public static readonly ApiError InvalidJson = new(400, "Invalid JSON");

    /// <summary>400: the resource has no name.</summary>
    public static readonly ApiError MissingName = new(400, "Missing Name");

    /// <summary>400: the fn has no app id.</summary>
    public static readonly ApiError MissingAppId = new(400, "Missing App ID");

    /// <summary>400: the fn has no image.</summary>
    public static readonly ApiError MissingImage = new(400, "Missing image");

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

    /// <summary>404: no app with that id or name.</summary>
    public static readonly ApiError AppNotFound = new(404, "App not found");

    /// <summary>404: no fn with that id.</summary>
    public static readonly ApiError FnNotFound = new(404, "Fn not found");

    /// <summary>404: no trigger with that id.</summary>
    public static readonly ApiError TriggerNotFound = new(404, "Trigger not found");

    /// <summary>404: no route for the path.</summary>
    public static readonly ApiError PathNotFound = new(404, "Path not found");

    /// <summary>405: the route exists but not for this method.</summary>
    public static readonly ApiError MethodNotAllowed = new(405, "Method not allowed");

    /// <summary>409: an app of that name exists.</summary>
    public static readonly ApiError AppAlreadyExists = new(409, "App already exists");

    /// <summary>409: a fn of that name exists in the app.</summary>
    public static readonly ApiError FnAlreadyExists = new(409, "Fn with specified name already exists");

    /// <summary>500: a fault of the server itself; details go to the log, never to the client.</summary>
    public static readonly ApiError Internal = new(500, "internal server error");

    /// <summary>503: no capacity within the wait limit; sent with <c>Retry-After</c>.</summary>
    public static readonly ApiError TooBusy = new(503, "Timed out - server too busy");

    /// <summary>413: a request body over the configured maximum.</summary>
    /// <param name="length">The request's length, in bytes.</param>
    /// <param name="max">The configured maximum, in bytes.</param>
    public static ApiError RequestTooLarge(long length, long max) =>
        new(413, $"Content-Length too large for this server, {length} > max {max}");
}
