namespace FnSharp.Cli.Commands;

/// <summary>
/// A resource as the command line names it after a verb, with Fn's spellings: <c>fnsharp list functions
/// myapp</c>, <c>list fn</c>, <c>create function</c> and <c>inspect f</c> all work, as in Fn's CLI.
/// </summary>
/// <param name="Singular">The name after every verb but <c>list</c>: <c>fn</c>.</param>
/// <param name="Plural">The name after <c>list</c>: <c>fns</c>.</param>
/// <param name="Others">Fn's other spellings, accepted everywhere.</param>
internal sealed record Noun(string Singular, string Plural, params string[] Others)
{
    public static readonly Noun App = new("app", "apps", "a");

    public static readonly Noun Fn = new("fn", "fns", "function", "functions", "func", "funcs", "f");

    public static readonly Noun Trigger = new("trigger", "triggers", "trig", "trigs", "t", "tr");

    public static readonly Noun Config = new("config", "config", "cf");

    /// <summary>Fn 0.5's <c>fn list calls</c> and <c>fn get call</c>, beside <c>fnsharp calls list|get</c>.</summary>
    public static readonly Noun Call = new("call", "calls");

    /// <summary>Fn 0.5's <c>fn get logs</c>, beside <c>fnsharp logs get</c>.</summary>
    public static readonly Noun Logs = new("logs", "logs", "log");

    /// <summary>The command of this noun under a verb such as <c>create</c>, named <see cref="Singular"/>, with its arguments and options.</summary>
    public Command Command(string description, params Symbol[] symbols) => With(new Command(Singular, description), Plural, symbols);

    /// <summary>The command of this noun under <c>list</c>, named <see cref="Plural"/>, with its arguments and options.</summary>
    public Command ListCommand(string description, params Symbol[] symbols) => With(new Command(Plural, description), Singular, symbols);

    private Command With(Command command, string other, Symbol[] symbols)
    {
        foreach (var alias in Others.Prepend(other).Where(a => a != command.Name))
        {
            command.Aliases.Add(alias);
        }

        return Define(command, symbols);
    }

    /// <summary>Adds <paramref name="symbols"/> (arguments, options, subcommands) to <paramref name="command"/>.</summary>
    public static Command Define(Command command, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
                case Command subcommand:
                    command.Subcommands.Add(subcommand);
                    break;
            }
        }

        return command;
    }
}
