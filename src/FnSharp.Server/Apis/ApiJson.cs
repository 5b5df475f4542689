using System.Text.Json;
using FnSharp.Core.Errors;

namespace FnSharp.Server.Apis;

/// <summary>Reading request bodies and writing Fn's JSON error bodies.</summary>
internal static class ApiJson
{
    /// <summary>The content type of every JSON response, as Fn sends it.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Reads the body as <typeparamref name="T"/>.</summary>
    /// <exception cref="ApiException"><see cref="ApiErrors.InvalidJson"/> when the body is not a JSON object of that shape.</exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await request.ReadFromJsonAsync<T>(cancellationToken) ?? throw new ApiException(ApiErrors.InvalidJson);
        }
        catch (JsonException)
        {
            throw new ApiException(ApiErrors.InvalidJson);
        }
        catch (InvalidOperationException)
        {
            // Thrown for a missing or non-JSON content type; Fn's clients always send JSON, so the body is what is wrong.
            throw new ApiException(ApiErrors.InvalidJson);
        }
    }

    /// <summary>Writes <c>{"message":"..."}</c> with the error's status.</summary>
    public static Task WriteErrorAsync(HttpResponse response, ApiError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = ContentType;
        return response.WriteAsJsonAsync(new ErrorBody(error.Message), ApiJsonContext.Default.ErrorBody, ContentType);
    }
}
