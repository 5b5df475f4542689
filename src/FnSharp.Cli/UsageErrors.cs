using System.CommandLine.Parsing;
using FnSharp.Cli.Commands;

namespace FnSharp.Cli;

/// <summary>
/// A command line the parser refused, told in one short message (the first thing wrong, with the word
/// meant when a command looks mistyped), the command's usage line when an argument is missing or extra,
/// and a pointer to its <c>--help</c>: not the whole help, which buries the message.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Writes the error lines for <paramref name="parse"/>, which has errors.</summary>
    public static Task WriteAsync(ParseResult parse, TextWriter error)
    {
        var (message, usage) = Describe(parse);
        List<string> next = usage ? [$"Usage: {Usage(parse)}"] : [];
        next.Add(CommandRunner.HelpPointer(parse));
        return CommandRunner.WriteErrorAsync(error, message, next);
    }

    /// <summary>The message, and whether the usage line helps (an argument is missing or extra).</summary>
    public static (string Message, bool Usage) Describe(ParseResult parse)
    {
        var result = parse.CommandResult;
        var command = result.Command;
        var path = CommandRunner.CommandPath(parse);
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            if (subcommands.Count > 0 && result.Tokens.Count == 0 && !token.StartsWith('-'))
            {
                // A typo is a few letters off; an app's name where a noun belongs ("list myapp") is no typo of "app".
                var meant = Spelling.Suggest(token, subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)), Math.Max(1, token.Length / 3));
                var message = result.Parent is null
                    ? $"'{token}' is not a fnsharp command"
                    : $"'{token}' is not a command of {path}: use {Names(subcommands)}";
                return (meant is null ? message : $"{message}. Did you mean '{meant}'?", false);
            }

            return (token.StartsWith('-') ? $"{path} has no option '{token}'" : $"unexpected argument '{token}'", !token.StartsWith('-'));
        }

        if (subcommands.Count > 0 && command.Action is null)
        {
            return ($"{path} needs a command: {Names(subcommands)}", false);
        }

        var missing = command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && (parse.GetResult(a) is not ArgumentResult given || given.Tokens.Count == 0)).ToList();
        if (missing.Count > 0)
        {
            return ($"missing {string.Join(", ", missing.Select(a => $"<{a.Name}> ({Plain(a.Description)})"))}", true);
        }

        var required = command.Options.Concat(AncestorOptions(result)).FirstOrDefault(o => o.Required && (parse.GetResult(o) is not OptionResult given || given.Implicit));
        if (required is not null)
        {
            return ($"{required.Name} is required ({Plain(required.Description)})", false);
        }

        // One line: the parser's lists ("Must be one of:\n\t'csharp'\n\t'node'") joined up.
        return (System.Text.RegularExpressions.Regex.Replace(parse.Errors[0].Message, @"\s*\n\s*", " ").TrimEnd('.'), false);
    }

    /// <summary><c>fnsharp invoke &lt;app&gt; &lt;fn&gt; [options]</c>.</summary>
    public static string Usage(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var words = new List<string> { CommandRunner.CommandPath(parse) };
        words.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues > 0 ? $"<{a.Name}>" : $"[<{a.Name}>]"));
        words.Add("[options]");
        return string.Join(' ', words);
    }

    private static IEnumerable<Option> AncestorOptions(CommandResult result)
    {
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
            {
                yield return option;
            }
        }
    }

    private static string Names(List<Command> commands) =>
        commands.Count == 1 ? commands[0].Name : string.Join(", ", commands.Take(commands.Count - 1).Select(c => c.Name)) + " or " + commands[^1].Name;

    // "The app's name." -> "the app's name"
    private static string Plain(string? description) =>
        description is not { Length: > 0 } text ? ""
        : (text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text).TrimEnd('.');
}
