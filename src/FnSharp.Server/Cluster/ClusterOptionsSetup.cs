using System.Globalization;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Cluster;

/// <summary>Reads <see cref="ClusterOptions"/> from the <c>FN_NODE_*</c> configuration keys and checks them.</summary>
internal sealed class ClusterOptionsSetup(IConfiguration configuration) : IConfigureOptions<ClusterOptions>, IValidateOptions<ClusterOptions>
{
    public void Configure(ClusterOptions options)
    {
        options.Url = configuration["FN_NODE_URL"] is { Length: > 0 } url ? url.TrimEnd('/') : options.Url;
        options.HeartbeatMs = configuration.GetValue("FN_NODE_HEARTBEAT_MSECS", options.HeartbeatMs);
        options.ForgetSecs = configuration.GetValue("FN_NODE_FORGET_SECS", options.ForgetSecs);
    }

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var failures = new List<string>();
        if (options.Url.Length > 0 && !(Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
        {
            failures.Add($"FN_NODE_URL must be an http or https URL with a host, for example http://10.0.0.7:8080, not '{options.Url}'.");
        }

        if (options.HeartbeatMs is < 100 or > 600_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_NODE_HEARTBEAT_MSECS must be a number of milliseconds from 100 to 600000, not {options.HeartbeatMs}."));
        }

        if (options.ForgetSecs < 1 || options.ForgetSecs * 1000.0 < 3.0 * options.HeartbeatMs)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_NODE_FORGET_SECS must be a number of seconds of at least three heartbeats (FN_NODE_HEARTBEAT_MSECS={options.HeartbeatMs}), not {options.ForgetSecs}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
