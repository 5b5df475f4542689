using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace FnSharp.Testing.Hosting;

/// <summary>
/// Wraps the host's start-up validation (<c>ValidateOnStart</c>) and keeps its failure, so that
/// <see cref="FnSharpServerFactory"/> can report it even when the failing host is disposed before
/// <c>WebApplicationFactory</c> looks at it (which then throws <see cref="ObjectDisposedException"/>).
/// </summary>
internal sealed class RecordingStartupValidator(IStartupValidator inner, Action<ExceptionDispatchInfo> failed) : IStartupValidator
{
    public void Validate()
    {
        try
        {
            inner.Validate();
        }
        catch (Exception e)
        {
            failed(ExceptionDispatchInfo.Capture(e));
            throw;
        }
    }
}
