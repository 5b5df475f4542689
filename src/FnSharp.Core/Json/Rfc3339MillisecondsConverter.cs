using System.Globalization;

namespace FnSharp.Core.Json;

/// <summary>
/// Writes times as Fn does: RFC 3339 in UTC with milliseconds, for example
/// <c>2026-11-30T10:29:07.577Z</c>. Reads any ISO 8601 time.
/// </summary>
public sealed class Rfc3339MillisecondsConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The format written.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
