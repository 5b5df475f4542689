namespace FnSharp.Core.Errors;

/// <summary>
/// Carries an <see cref="ApiError"/> from deep in a store or validator up to the endpoint that
/// answers it, as Fn's datastore returns its error values. The server turns it into the error's
/// status and JSON body.
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public ApiException(ApiError error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error to answer with.</summary>
    public ApiError Error { get; }
}
