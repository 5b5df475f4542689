using System.Globalization;
using FnSharp.Core.Json;

namespace FnSharp.Server.Apis;

/// <summary>The API's clock reading: UTC, cut to the millisecond that stores keep and responses show.</summary>
internal static class ApiTime
{
    public static DateTimeOffset Now(TimeProvider time) => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>A time as responses show it: UTC, RFC 3339 with milliseconds (<c>2026-12-04T23:00:00.000Z</c>).</summary>
    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Rfc3339MillisecondsConverter.Format, CultureInfo.InvariantCulture);
}
