namespace FnSharp.Cli.Tests;

/// <summary>How one attempt of a detached call was stored: its status then (<c>queued</c> for a retry) and whether it became a dead letter.</summary>
internal sealed record StoredAttempt(string Status, bool DeadLetter);
