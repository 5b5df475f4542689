namespace FnSharp.Cli.Images;

/// <summary>What a push ended with: the manifest's digest (<c>sha256:...</c>) the registry answered with, or the engine's error message.</summary>
internal sealed record PushOutcome(string? Digest, string? Error);
