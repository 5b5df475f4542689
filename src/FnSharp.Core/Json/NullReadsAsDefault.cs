namespace FnSharp.Core.Json;

/// <summary>
/// Reads a JSON <c>null</c> as <typeparamref name="T"/>'s default, where the serializer would refuse it for a value type,
/// and every other value with <paramref name="inner"/>; writes with it too. Used by <see cref="GoJsonConventions"/>.
/// </summary>
/// <param name="inner">The converter of the property it replaces: its own, or the serializer's for <typeparamref name="T"/>.</param>
internal sealed class NullReadsAsDefault<T>(JsonConverter<T> inner) : JsonConverter<T>
{
    /// <inheritdoc/>
    public override bool HandleNull => true;

    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? default! : inner.Read(ref reader, typeToConvert, options)!;

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        inner.Write(writer, value, options);
}
