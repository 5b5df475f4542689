namespace FnSharp.Cli.Functions;

/// <summary>A trigger of <c>func.yaml</c>: <c>{name, type, source}</c>.</summary>
/// <param name="Name">The trigger's name, unique on the fn.</param>
/// <param name="Type">Its type; only <c>http</c> exists.</param>
/// <param name="Source">The path under <c>/t/APP</c> that calls the fn, starting with '/'.</param>
internal sealed record FuncTrigger(string Name, string Type, string Source);
