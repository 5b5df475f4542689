namespace FnSharp.Cli.Functions;

/// <summary>Where a scalar stands in a file's text: its start and end character offsets, and whether it is quoted (and how).</summary>
/// <param name="Start">The offset of its first character (the opening quote when quoted).</param>
/// <param name="End">The offset just past its last character.</param>
/// <param name="Quote">The quote character around it, or <see langword="null"/> when it is plain.</param>
internal sealed record FuncFileSpan(int Start, int End, char? Quote);
