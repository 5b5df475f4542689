using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Logging;

/// <summary>Gives one <see cref="CapturingLogger"/> to every category, so that a test host's log lines can be asserted on.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>The logger every category writes to.</summary>
    public CapturingLogger Logger { get; } = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => Logger;

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
