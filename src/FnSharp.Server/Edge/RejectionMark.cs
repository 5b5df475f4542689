namespace FnSharp.Server.Edge;

/// <summary>
/// A connection's feature: set when Kestrel refused a request on it before the application saw the
/// request (headers too large, a malformed request line, headers too slow), so that the bare answer
/// Kestrel then writes becomes the project's JSON error (<see cref="RejectionRewritingWriter"/>).
/// </summary>
internal sealed class RejectionMark
{
    private ApiError? _error;

    /// <summary>The error to answer with; <see langword="null"/> until Kestrel refuses a request.</summary>
    public ApiError? Error
    {
        get => Volatile.Read(ref _error);
        set => Volatile.Write(ref _error, value);
    }

    /// <summary>Whether the refused request was a <c>HEAD</c>, whose answer carries no body.</summary>
    public bool IsHead { get; set; }
}
