using FnSharp.Core.Errors;

namespace FnSharp.Agent.Calls;

/// <summary>
/// The outcome of a call. On <see cref="CallStatus.Success"/> and <see cref="CallStatus.FunctionFailed"/>
/// the container's <see cref="Response"/> is open for streaming; disposing the result releases the
/// container for the fn's next call, so the caller disposes it after copying the body out.
/// </summary>
public sealed class CallResult : IAsyncDisposable
{
    private readonly Func<ValueTask>? _release;

    private CallResult(CallStatus status, ApiError? error, HttpResponseMessage? response, Func<ValueTask>? release)
    {
        Status = status;
        Error = error;
        Response = response;
        _release = release;
    }

    /// <summary>How the call ended.</summary>
    public CallStatus Status { get; }

    /// <summary>The error to answer with, for every status but <see cref="CallStatus.Success"/>.</summary>
    public ApiError? Error { get; }

    /// <summary>The container's response on success; its body is streamed by the caller.</summary>
    public HttpResponseMessage? Response { get; }

    /// <summary>A successful call whose <paramref name="response"/> is still open.</summary>
    public static CallResult Succeeded(HttpResponseMessage response, Func<ValueTask> release) =>
        new(CallStatus.Success, null, response, release);

    /// <summary>A failed call, answered with <paramref name="error"/>.</summary>
    public static CallResult Failed(CallStatus status, ApiError error) => new(status, error, null, null);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Response?.Dispose();
        if (_release is not null)
        {
            await _release();
        }
    }
}
