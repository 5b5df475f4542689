using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Logging;

/// <summary>A logger that keeps every entry (level, event id, formatted message), for assertions on log lines.</summary>
public sealed class CapturingLogger : ILogger
{
    /// <summary>The entries, in the order they were written.</summary>
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
    }
}
