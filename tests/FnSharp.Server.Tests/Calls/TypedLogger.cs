using Microsoft.Extensions.Logging;

namespace FnSharp.Server.Tests.Calls;

/// <summary>An <see cref="ILogger{T}"/> writing to <paramref name="inner"/> (a capturing logger), for components that take a typed logger.</summary>
internal sealed class TypedLogger<T>(ILogger inner) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
