using System.Globalization;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Auth;

/// <summary>Reads <see cref="AuthOptions"/> from its <c>FN_*</c> configuration keys and checks them.</summary>
internal sealed class AuthOptionsSetup(IConfiguration configuration) : IConfigureOptions<AuthOptions>, IValidateOptions<AuthOptions>
{
    /// <summary>The shortest <c>FN_ADMIN_TOKEN</c> accepted: a guessable admin token would defeat every other key.</summary>
    public const int MinAdminTokenLength = 32;

    /// <summary>The highest rate either limit may be set to, per second.</summary>
    public const int MaxPerSecond = 1_000_000;

    private const string ModeKey = "FN_AUTH";

    public void Configure(AuthOptions options)
    {
        // A value that is not a mode is left to Validate, which names it.
        if (ParseMode(configuration[ModeKey]) is { } mode)
        {
            options.Mode = mode;
        }

        options.AdminToken = configuration["FN_ADMIN_TOKEN"] is { Length: > 0 } token ? token : options.AdminToken;
        if (configuration["FN_ALLOWED_IMAGES"] is { } images)
        {
            options.AllowedImages = images.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        options.KeyRequestsPerSecond = configuration.GetValue("FN_KEY_REQUESTS_PER_SEC", options.KeyRequestsPerSecond);
        options.AppCallsPerSecond = configuration.GetValue("FN_APP_CALLS_PER_SEC", options.AppCallsPerSecond);
        options.AuditMaxAgeSecs = configuration.GetValue("FN_AUDIT_MAX_AGE_SECS", options.AuditMaxAgeSecs);
    }

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (configuration[ModeKey] is { Length: > 0 } mode && ParseMode(mode) is null)
        {
            failures.Add($"{ModeKey} must be auto, on or off, not '{mode}'.");
        }

        if (options.AdminToken is { } token && (token.Length < MinAdminTokenLength || token.Any(c => c <= ' ' || c == '\u007f')))
        {
            // Never echo the token itself.
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ADMIN_TOKEN must be at least {MinAdminTokenLength} characters without spaces or control characters (it has {token.Length}); make one with: openssl rand -hex 32"));
        }

        foreach (var pattern in options.AllowedImages)
        {
            if (pattern.Any(char.IsControl))
            {
                failures.Add($"FN_ALLOWED_IMAGES has a pattern with a control character: '{pattern}'.");
            }
        }

        if (options.KeyRequestsPerSecond is < 0 or > MaxPerSecond)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_KEY_REQUESTS_PER_SEC must be a number of requests per second from 0 (no limit) to {MaxPerSecond}, not {options.KeyRequestsPerSecond}."));
        }

        if (options.AppCallsPerSecond is < 0 or > MaxPerSecond)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_APP_CALLS_PER_SEC must be a number of calls per second from 0 (no limit) to {MaxPerSecond}, not {options.AppCallsPerSecond}."));
        }

        if (options.AuditMaxAgeSecs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_AUDIT_MAX_AGE_SECS must be a number of seconds (0 keeps the audit log forever), not {options.AuditMaxAgeSecs}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static AuthMode? ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "auto" => AuthMode.Auto,
        "on" => AuthMode.On,
        "off" => AuthMode.Off,
        _ => null,
    };
}
