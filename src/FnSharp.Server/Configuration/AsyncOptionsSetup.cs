using System.Globalization;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Configuration;

/// <summary>Reads <see cref="AsyncOptions"/> from the <c>FN_ASYNC_*</c> configuration keys and checks them.</summary>
internal sealed class AsyncOptionsSetup(IConfiguration configuration) : IConfigureOptions<AsyncOptions>, IValidateOptions<AsyncOptions>
{
    /// <summary>The most detached calls one node may run at once.</summary>
    public const int MaxConcurrentLimit = 10_000;

    public void Configure(AsyncOptions options)
    {
        options.MaxConcurrent = configuration.GetValue("FN_ASYNC_MAX_CONCURRENT", options.MaxConcurrent);
        options.PollMs = configuration.GetValue("FN_ASYNC_POLL_MSECS", options.PollMs);
        options.MaxEventAgeSeconds = configuration.GetValue("FN_ASYNC_MAX_EVENT_AGE_SECS", options.MaxEventAgeSeconds);
        options.RetryBaseMs = configuration.GetValue("FN_ASYNC_RETRY_BASE_MSECS", options.RetryBaseMs);
        options.RetryMaxMs = configuration.GetValue("FN_ASYNC_RETRY_MAX_MSECS", options.RetryMaxMs);
        options.LeaseMs = configuration.GetValue("FN_ASYNC_LEASE_MSECS", options.LeaseMs);
    }

    public ValidateOptionsResult Validate(string? name, AsyncOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrent is < 0 or > MaxConcurrentLimit)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_MAX_CONCURRENT must be a number of calls from 0 (the worker off) to {MaxConcurrentLimit}, not {options.MaxConcurrent}."));
        }

        if (options.PollMs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_POLL_MSECS must be a positive number of milliseconds, not {options.PollMs}."));
        }

        if (options.MaxEventAgeSeconds < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_MAX_EVENT_AGE_SECS must be a positive number of seconds, not {options.MaxEventAgeSeconds}."));
        }

        if (options.RetryBaseMs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_RETRY_BASE_MSECS must be a positive number of milliseconds, not {options.RetryBaseMs}."));
        }

        if (options.RetryMaxMs < options.RetryBaseMs)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_RETRY_MAX_MSECS must be at least FN_ASYNC_RETRY_BASE_MSECS ({options.RetryBaseMs}) milliseconds, not {options.RetryMaxMs}."));
        }

        if (options.LeaseMs < 3000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_ASYNC_LEASE_MSECS must be at least 3000 milliseconds (leases are renewed every third of it), not {options.LeaseMs}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
