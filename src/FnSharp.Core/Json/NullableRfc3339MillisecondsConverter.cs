namespace FnSharp.Core.Json;

/// <summary>
/// <see cref="Rfc3339MillisecondsConverter"/> for optional times: <c>null</c> reads and writes as
/// JSON <c>null</c> (properties usually omit it with <see cref="JsonIgnoreCondition.WhenWritingNull"/>).
/// </summary>
public sealed class NullableRfc3339MillisecondsConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly Rfc3339MillisecondsConverter Inner = new();

    /// <inheritdoc/>
    public override bool HandleNull => true;

    /// <inheritdoc/>
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            Inner.Write(writer, time, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
