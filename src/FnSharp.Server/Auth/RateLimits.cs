using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace FnSharp.Server.Auth;

/// <summary>
/// Request rate limits on ASP.NET Core's rate limiting middleware: one global limiter chaining a partition
/// per key (<c>FN_KEY_REQUESTS_PER_SEC</c>, every request a key makes) and a partition per app (calls through
/// <c>/invoke</c> and <c>/t</c>: <c>FN_APP_CALLS_PER_SEC</c>, or the app's <c>fnsharp.io/rate-limit</c>). Each
/// partition is a <see cref="ClockTokenBucketLimiter"/>. A refusal is 429 with <c>Retry-After</c> (whole
/// seconds) and a JSON message naming the limit. Limits count on each node separately.
/// </summary>
internal static partial class RateLimits
{
    /// <summary>Registers the rate limiter; <see cref="AuthExtensions.UseFnSharpAuth"/> puts it after authentication.</summary>
    public static IServiceCollection AddFnSharpRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<RateLimiterOptions>, Setup>();
        services.AddRateLimiter(_ => { });
        return services;
    }

    /// <summary>The partition of the key of <paramref name="context"/>, or none (no key, or no limit).</summary>
    internal static RateLimitPartition<(string, int)> KeyPartition(HttpContext context, AuthOptions options, TimeProvider time)
    {
        var keyId = context.Features.Get<RequestAccess>()?.Caller.KeyId;
        var rate = options.KeyRequestsPerSecond;
        return keyId is null || rate == 0
            ? RateLimitPartition.GetNoLimiter(("", 0))
            : RateLimitPartition.Get((keyId, rate), k => new ClockTokenBucketLimiter(k.Item2, time, $"Rate limit of API key {k.Item1}: {k.Item2} requests per second on this node (FN_KEY_REQUESTS_PER_SEC)"));
    }

    /// <summary>The partition of the app a call goes to, or none (not a call, no app found, or no limit).</summary>
    internal static RateLimitPartition<(string, int)> AppPartition(HttpContext context, AuthOptions options, TimeProvider time)
    {
        var access = context.Features.Get<RequestAccess>();
        if (access is not { Rule.IsCall: true, App: { } app })
        {
            return RateLimitPartition.GetNoLimiter(("", 0));
        }

        // Validation keeps bad values out; one stored before it existed counts as no annotation.
        var rate = FnSharpAnnotations.RateLimitOf(app.Annotations) is int annotated and >= 0 ? annotated : options.AppCallsPerSecond;
        return rate == 0
            ? RateLimitPartition.GetNoLimiter(("", 0))
            : RateLimitPartition.Get((app.Id, rate), k => new ClockTokenBucketLimiter(k.Item2, time, $"Rate limit of app {app.Name}: {k.Item2} calls per second on this node"));
    }

    private sealed partial class Setup(IOptions<AuthOptions> options, TimeProvider time, ILoggerFactory loggers) : IConfigureOptions<RateLimiterOptions>
    {
        public void Configure(RateLimiterOptions limiter)
        {
            var logger = loggers.CreateLogger(typeof(RateLimits).FullName!);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, (string, int)>(context => KeyPartition(context, options.Value, time)),
                PartitionedRateLimiter.Create<HttpContext, (string, int)>(context => AppPartition(context, options.Value, time)));
            limiter.OnRejected = async (rejected, _) =>
            {
                var response = rejected.HttpContext.Response;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var reason = rejected.Lease.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase) && phrase is not null ? phrase : "Rate limit reached";
                LogRejected(logger, rejected.HttpContext.Request.Method, rejected.HttpContext.Request.Path, reason);
                await ApiJson.WriteErrorAsync(response, new ApiError(StatusCodes.Status429TooManyRequests, string.Create(CultureInfo.InvariantCulture, $"{reason}; retry after {seconds} s")));
            };
        }

        // Event ids 1700-1799 belong to auth: 1720-1729 to rate limits.
        [LoggerMessage(1720, LogLevel.Information, "{Method} {Path} refused with 429: {Reason}")]
        private static partial void LogRejected(ILogger logger, string method, string path, string reason);
    }
}
