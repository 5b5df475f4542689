using System.Globalization;
using FnSharp.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Configuration;

/// <summary>Reads <see cref="ServerOptions"/> from Fn's flat <c>FN_*</c> configuration keys and checks them.</summary>
internal sealed class ServerOptionsSetup(IConfiguration configuration) : IConfigureOptions<ServerOptions>, IValidateOptions<ServerOptions>
{
    // Records wait this long at most before they are written; a longer wait would only hold them in memory.
    private const int MaxCallLogWaitMs = 60_000;

    private const string CallRecordsKey = "FN_CALL_RECORDS";

    public void Configure(ServerOptions options)
    {
        options.Port = configuration.GetValue("FN_PORT", options.Port);
        options.ListenAddress = configuration["FN_LISTEN_ADDRESS"] is { Length: > 0 } address ? address.Trim() : options.ListenAddress;
        options.DbUrl = configuration["FN_DB_URL"] is { Length: > 0 } url ? url : options.DbUrl;
        options.PublicLbUrl = configuration["FN_PUBLIC_LB_URL"] is { Length: > 0 } lb ? lb : options.PublicLbUrl;
        options.MaxRequestSize = configuration.GetValue("FN_MAX_REQUEST_SIZE", options.MaxRequestSize);
        options.MaxResponseSize = configuration.GetValue("FN_MAX_RESPONSE_SIZE", options.MaxResponseSize);
        options.LookupCacheMs = configuration.GetValue("FN_LOOKUP_CACHE_MSECS", options.LookupCacheMs);
        options.HotStartTimeoutMs = configuration.GetValue("FN_HOT_START_TIMEOUT_MSECS", options.HotStartTimeoutMs);
        options.DockerHost = configuration["FN_DOCKER_HOST"] is { Length: > 0 } host ? host : options.DockerHost;
        options.NodeName = configuration["FN_NODE_NAME"] is { Length: > 0 } node ? node : options.NodeName;
        options.MaxLogSizeBytes = configuration.GetValue("FN_MAX_LOG_SIZE_BYTES", options.MaxLogSizeBytes);
        options.CallMaxAgeSecs = configuration.GetValue("FN_CALL_MAX_AGE_SECS", options.CallMaxAgeSecs);
        options.CallLogWaitMs = configuration.GetValue("FN_CALL_LOG_WAIT_MSECS", options.CallLogWaitMs);

        // A value that is not a boolean is left to Validate, which names it; GetValue would throw a bare conversion error.
        if (bool.TryParse(configuration[CallRecordsKey], out var records))
        {
            options.CallRecords = records;
        }
    }

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_PORT must be a TCP port from 1 to 65535, not {options.Port}."));
        }

        if (options.ListenAddress is not "*" && !options.ListenAddress.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            && !System.Net.IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"FN_LISTEN_ADDRESS must be * (every interface), localhost or an IP address such as 127.0.0.1, not '{options.ListenAddress}'.");
        }

        if (options.UsesPostgres)
        {
            try
            {
                PostgresDataStore.ConnectionStringFromUrl(options.DbUrl);
            }
            catch (FormatException e)
            {
                failures.Add($"FN_DB_URL '{options.RedactedDbUrl}' is not a valid PostgreSQL URL: {e.Message}.");
            }
        }
        else if (options.SqlitePath is null)
        {
            failures.Add($"FN_DB_URL '{options.RedactedDbUrl}' is not supported: use sqlite3:///absolute/path.db, sqlite3://./relative/path.db or postgres://user:password@host:port/database.");
        }

        if (options.PublicLbUrl is { } lb && !(Uri.TryCreate(lb, UriKind.Absolute, out var lbUri) && lbUri.Scheme is "http" or "https"))
        {
            failures.Add($"FN_PUBLIC_LB_URL '{lb}' is not an absolute http or https URL, for example http://fn.example.com:8080.");
        }

        if (options.MaxRequestSize < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_MAX_REQUEST_SIZE must be a positive number of bytes, not {options.MaxRequestSize}."));
        }

        if (options.MaxResponseSize < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_MAX_RESPONSE_SIZE must be a number of bytes (0 for no limit), not {options.MaxResponseSize}."));
        }

        if (options.LookupCacheMs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_LOOKUP_CACHE_MSECS must be a number of milliseconds (0 turns the cache off), not {options.LookupCacheMs}."));
        }

        if (options.HotStartTimeoutMs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_HOT_START_TIMEOUT_MSECS must be a positive number of milliseconds, not {options.HotStartTimeoutMs}."));
        }

        if (options.MaxLogSizeBytes < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_MAX_LOG_SIZE_BYTES must be a positive number of bytes, not {options.MaxLogSizeBytes}."));
        }

        if (options.CallMaxAgeSecs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_CALL_MAX_AGE_SECS must be a number of seconds (0 keeps calls forever), not {options.CallMaxAgeSecs}."));
        }

        if (options.CallLogWaitMs is < 0 or > MaxCallLogWaitMs)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_CALL_LOG_WAIT_MSECS must be a number of milliseconds from 0 to {MaxCallLogWaitMs}, not {options.CallLogWaitMs}."));
        }

        // Checked on the configuration itself: a bad value never reached the options.
        if (configuration[CallRecordsKey] is { Length: > 0 } callRecords && !bool.TryParse(callRecords, out _))
        {
            failures.Add($"{CallRecordsKey} must be true or false, not '{callRecords}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
