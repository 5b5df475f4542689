using Microsoft.Extensions.Logging;

namespace FnSharp.Testing.Logging;

/// <summary>One entry a <see cref="CapturingLogger"/> kept.</summary>
/// <param name="Level">Its level.</param>
/// <param name="EventId">Its event id.</param>
/// <param name="Message">Its formatted message.</param>
public sealed record LogEntry(LogLevel Level, int EventId, string Message);
