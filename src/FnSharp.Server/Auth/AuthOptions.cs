namespace FnSharp.Server.Auth;

/// <summary>
/// The settings of authentication, authorization, rate limits, allowed images and the audit log, read
/// from FnSharp's own <c>FN_*</c> names through <see cref="Configuration.Settings.Auth"/>, which checks them at start-up.
/// <c>docs/configuration.md</c> lists them; <c>docs/api.md</c> ("Keys") says how they act.
/// </summary>
public sealed record AuthOptions
{
    /// <summary>The shortest <c>FN_ADMIN_TOKEN</c> accepted: a guessable admin token would defeat every other key.</summary>
    public const int MinAdminTokenLength = 32;

    /// <summary>The highest rate either limit may be set to, per second.</summary>
    public const int MaxPerSecond = 1_000_000;

    /// <summary>Whether keys are required (<c>FN_AUTH</c>: <c>auto</c>, the default, <c>on</c> or <c>off</c>).</summary>
    public AuthMode Mode { get; set; } = AuthMode.Auto;

    /// <summary>
    /// A token that works as an <c>admin</c> key without being stored (<c>FN_ADMIN_TOKEN</c>, at least
    /// <see cref="MinAdminTokenLength"/> characters); <see langword="null"/> when unset.
    /// Its key id in the audit log is <c>FN_ADMIN_TOKEN</c>.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// Glob patterns (<c>*</c> any run of characters, <c>?</c> one) that a fn's image must match, at create
    /// and update (<c>FN_ALLOWED_IMAGES</c>, separated by commas or spaces); empty allows any image.
    /// </summary>
    public IReadOnlyList<string> AllowedImages { get; set; } = [];

    /// <summary>Requests per second one key may make on this node (<c>FN_KEY_REQUESTS_PER_SEC</c>, default 0: no limit), with a burst of as many.</summary>
    public int KeyRequestsPerSecond { get; set; }

    /// <summary>
    /// Calls per second (through <c>/invoke</c> and <c>/t</c>) one app's fns may get on this node
    /// (<c>FN_APP_CALLS_PER_SEC</c>, default 0: no limit), with a burst of as many; the app annotation
    /// <c>fnsharp.io/rate-limit</c> overrides it per app.
    /// </summary>
    public int AppCallsPerSecond { get; set; }

    /// <summary>How long audit entries are kept, in seconds (<c>FN_AUDIT_MAX_AGE_SECS</c>, default 90 days); 0 keeps them forever.</summary>
    public int AuditMaxAgeSecs { get; set; } = 90 * 24 * 60 * 60;
}
