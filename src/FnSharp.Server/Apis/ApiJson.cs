using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;

namespace FnSharp.Server.Apis;

/// <summary>Reading request bodies and writing Fn's JSON error bodies.</summary>
internal static class ApiJson
{
    /// <summary>The content type of every JSON response, as Fn sends it.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The first room <see cref="ReadBodyAsync"/> gives a body of unknown or large size, and by how much at least it grows, in bytes.</summary>
    public const int ReadChunkBytes = 16 * 1024;

    private const string NotAnObject = "The body must be a JSON object.";

    // JsonSerializerOptions.MaxDepth's meaning of 0.
    private const int DefaultMaxDepth = 64;

    /// <summary>Reads a resource to be created, as <see cref="ReadAsync{T}"/> does; it may not carry an id (<paramref name="idOf"/>), which the server assigns.</summary>
    /// <exception cref="ApiException">The errors of <see cref="ReadAsync{T}"/>; <see cref="ApiErrors.IdProvided"/> for an id.</exception>
    public static async Task<T> ReadNewAsync<T>(HttpRequest request, long maxBytes, Func<T, string> idOf, CancellationToken cancellationToken)
        where T : class
    {
        var resource = await ReadAsync<T>(request, maxBytes, cancellationToken);
        return idOf(resource).Length > 0 ? throw new ApiException(ApiErrors.IdProvided) : resource;
    }

    /// <summary>
    /// Reads the body, at most <paramref name="maxBytes"/> bytes, as <typeparamref name="T"/> with the
    /// server's JSON options (which refuse <c>null</c> for non-nullable fields, except those of apps, fns and triggers,
    /// where a <c>null</c> reads as the field left out, <see cref="FnSharp.Core.Json.GoJsonConventions"/>). A body that is only <c>null</c>
    /// reads as <c>{}</c> for an app, fn or trigger, as Go's decoder leaves Fn's fresh struct as it is. The content type
    /// is not checked: Fn's clients always send JSON, so a body that does not parse is what is wrong.
    /// </summary>
    /// <exception cref="ApiException">
    /// 413 <see cref="ApiErrors.RequestTooLarge"/> for a body over <paramref name="maxBytes"/>;
    /// <see cref="ApiErrors.InvalidJson"/> when the body is not a JSON object of that shape.
    /// </exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            throw new ApiException(ApiErrors.RequestTooLarge(request.ContentLength.Value, maxBytes));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The limit is enforced below, with Fn's message, also for chunked bodies.
            limit.MaxRequestBodySize = null;
        }

        var body = await ReadBodyAsync(request, maxBytes, cancellationToken);
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, options)
                ?? (typeof(T).IsAssignableTo(typeof(Resource)) ? JsonSerializer.Deserialize<T>("{}"u8, options)! : throw new ApiException(ApiErrors.InvalidJsonAt(NotAnObject)));
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.InvalidJsonAt(WhereInvalid(e, body.Span, options.GetTypeInfo(typeof(T)))));
        }
    }

    /// <summary>
    /// Says where a body of <paramref name="shape"/> went wrong, from the serializer's <paramref name="error"/>: an empty
    /// body, a body that stops parsing (its line and byte, both from 1), a body that is not an object, the field
    /// whose value is null or of another kind (<c>"memory": "lots"</c>: "memory must be an integer"), or the field whose
    /// string is not text (<c>"name": "\ud800"</c>).
    /// </summary>
    internal static string WhereInvalid(JsonException error, ReadOnlySpan<byte> body, JsonTypeInfo shape)
    {
        if (body.IsEmpty)
        {
            return "The body is empty: send a JSON object.";
        }

        // The reader's own exception (inner) is a body that does not parse; without it, a value of the wrong kind.
        if (error.InnerException is JsonException)
        {
            var at = error.LineNumber is { } line && error.BytePositionInLine is { } position ? $" at line {line + 1}, byte {position + 1}" : "";
            var limit = shape.Options.MaxDepth > 0 ? shape.Options.MaxDepth : DefaultMaxDepth;
            return NestsDeeperThan(body, limit)
                ? $"The body nests objects and arrays more than {limit} deep{at}: the server reads at most {limit} levels, the body's own object the first."
                : $"The body stops being JSON{at}.";
        }

        var path = error.Path;
        if (path is null or "$" || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return NotAnObject;
        }

        var field = path[2..];
        if (EndsInvalidText(error, body))
        {
            return $"{field} is not text: its string holds bytes that are not UTF-8 or an unpaired surrogate such as \\ud800.";
        }

        var top = field.Split('.', '[')[0];
        var property = shape.Properties.FirstOrDefault(p => p.Name == top);
        if (field == top && property is not null && ParameterErrors.IntegerRange(property.PropertyType) is { } range && EndsInteger(error, body) is { } integer)
        {
            // An integer past its field's range ("memory": 2147483648) is one: it is told the range it missed.
            return $"{top} must be an integer from {range}, not {ParameterErrors.Echo(integer)}.";
        }

        var kind = property is null ? null : KindOf(property.PropertyType);
        return kind is null ? $"The value of {field} is null or of the wrong kind." : $"{top} must be {kind}{(field == top ? "" : $": {field} is not")}.";
    }

    /// <summary>
    /// The text of the value that ends where <paramref name="error"/> stopped the serializer when it is a JSON integer (no
    /// fraction or exponent), else <see langword="null"/>: the serializer refuses an integer past the field's range with
    /// the same exception as a value of the wrong kind.
    /// </summary>
    private static string? EndsInteger(JsonException error, ReadOnlySpan<byte> body)
    {
        if (!TryReadValueAt(error, body, out var reader) || reader.TokenType != JsonTokenType.Number)
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        return text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 ? text : null;
    }

    /// <summary>
    /// Reads <paramref name="body"/> again up to the value that ends where <paramref name="error"/> stopped the serializer;
    /// false when the error gives no position or the body does not parse up to there (then it was no such value).
    /// </summary>
    private static bool TryReadValueAt(JsonException error, ReadOnlySpan<byte> body, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(body);
        if (EndOf(error, body) is not { } end)
        {
            return false;
        }

        try
        {
            while (reader.Read() && reader.BytesConsumed <= end)
            {
                if (reader.BytesConsumed == end)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // The body does not parse before that value.
        }

        return false;
    }

    /// <summary>
    /// The offset in <paramref name="body"/> where <paramref name="error"/> stopped the serializer (just after the value it
    /// refused), from the serializer's line (from 0) and byte in it, or <see langword="null"/> when it gives none.
    /// </summary>
    private static long? EndOf(JsonException error, ReadOnlySpan<byte> body)
    {
        if (error.LineNumber is not { } line || error.BytePositionInLine is not { } position)
        {
            return null;
        }

        long end = 0;
        for (var skipped = 0L; skipped < line; skipped++)
        {
            var newline = body[(int)end..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }

            end += newline + 1;
        }

        return end + position;
    }

    /// <summary>
    /// Whether <paramref name="body"/> opens more than <paramref name="limit"/> objects and arrays inside each other before
    /// it stops being JSON, if it does: the reader refuses such a body with the same exception as one that does not parse.
    /// </summary>
    private static bool NestsDeeperThan(ReadOnlySpan<byte> body, int limit)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = limit + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= limit)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // The body stops being JSON before it nests that deep.
        }

        return false;
    }

    /// <summary>
    /// Whether the value that ends where <paramref name="error"/> stopped the serializer is a string that is not text
    /// (bytes that are not UTF-8, or an escaped unpaired surrogate): the serializer refuses it with the same exception as
    /// a value of the wrong kind, so that the body is read again up to that value to tell them apart.
    /// </summary>
    private static bool EndsInvalidText(JsonException error, ReadOnlySpan<byte> body)
    {
        if (!TryReadValueAt(error, body, out var reader) || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        try
        {
            _ = reader.GetString();
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    // The kind of JSON value a field of this .NET type takes, in the words of the API's docs.
    private static string? KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong) => "an integer",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an RFC 3339 time such as \"2026-12-05T10:00:00Z\"",
            _ when type.IsAssignableTo(typeof(IReadOnlyDictionary<string, string>)) => "an object of string values",
            _ when type.IsAssignableTo(typeof(IReadOnlyDictionary<string, JsonElement>)) => "an object",
            _ when type.IsAssignableTo(typeof(IEnumerable<string>)) => "an array of strings",
            _ => null,
        };
    }

    /// <summary>
    /// Reads the whole body of <paramref name="request"/>, chunked or not, into memory, refusing it as soon
    /// as it passes <paramref name="maxBytes"/> (the caller has already checked <c>Content-Length</c> and
    /// lifted Kestrel's own limit, so that the refusal carries Fn's message). A body whose <c>Content-Length</c>
    /// is at most <see cref="ReadChunkBytes"/> is read into one array of its size (and a byte more, where the end
    /// of the body is seen); any other starts with <see cref="ReadChunkBytes"/> and grows as its bytes arrive.
    /// </summary>
    /// <exception cref="ApiException">413 <see cref="ApiErrors.RequestTooLarge"/> with the bytes read so far.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Sized by Content-Length only when small: a client that declares a large body and sends none of it holds
        // no more than the first chunk. The array was 16 KiB, then 32 KiB, for every call's two-byte body:
        // gathering the end of the body asked for 16 KiB more room, which grew it (docs/benchmarks.md).
        var capacity = request.ContentLength is { } length && length < ReadChunkBytes ? (int)length + 1 : ReadChunkBytes;
        var body = new ArrayBufferWriter<byte>(capacity);
        while (true)
        {
            // The room left, if any, before the array grows by a chunk.
            var memory = body.GetMemory(body.FreeCapacity > 0 ? 1 : ReadChunkBytes);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return body.WrittenMemory;
            }

            body.Advance(read);
            if (body.WrittenCount > maxBytes)
            {
                throw new ApiException(ApiErrors.RequestTooLarge(body.WrittenCount, maxBytes));
            }
        }
    }

    /// <summary>Writes <c>{"message":"..."}</c> with the error's status.</summary>
    public static Task WriteErrorAsync(HttpResponse response, ApiError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = ContentType;
        return response.WriteAsJsonAsync(new ErrorBody(error.Message, error.Reason, error.Detail), ReadableErrors.ErrorBody, ContentType);
    }

    /// <summary>The body of <paramref name="error"/> as UTF-8 JSON, <c>{"message":"..."}</c>, for answers written below HTTP (<c>Edge/RejectionRewritingWriter</c>).</summary>
    public static byte[] ErrorBytes(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(error.Message), ReadableErrors.ErrorBody);
    }

    // Messages are read by people with curl: "2001 > max 2000", not "2001 \u003E max 2000". The body is
    // JSON served as application/json, never embedded in HTML, so the relaxed escaping is safe.
    private static readonly ApiJsonContext ReadableErrors = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
