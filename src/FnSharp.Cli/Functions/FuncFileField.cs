namespace FnSharp.Cli.Functions;

/// <summary>Where a field of func.yaml stands and what it says, for messages that name its line and echo its value.</summary>
/// <param name="Line">The line of its value (1-based).</param>
/// <param name="Text">The value as written when it is a single value; <see langword="null"/> for a mapping or a list.</param>
internal sealed record FuncFileField(long Line, string? Text);
