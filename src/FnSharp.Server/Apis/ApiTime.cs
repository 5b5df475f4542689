namespace FnSharp.Server.Apis;

/// <summary>The API's clock reading: UTC, cut to the millisecond that stores keep and responses show.</summary>
internal static class ApiTime
{
    public static DateTimeOffset Now(TimeProvider time) => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
