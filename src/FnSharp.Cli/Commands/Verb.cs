namespace FnSharp.Cli.Commands;

/// <summary>The top-level commands that take a noun (<c>create app</c>), with Fn's short forms (<c>c</c>, <c>ls</c>, ...).</summary>
internal static class Verb
{
    /// <summary>A verb named <paramref name="name"/> with Fn's <paramref name="alias"/>, holding <paramref name="nouns"/>.</summary>
    public static Command Create(string name, string alias, string description, params Command[] nouns)
    {
        var command = new Command(name, description);
        command.Aliases.Add(alias);
        foreach (var noun in nouns)
        {
            command.Subcommands.Add(noun);
        }

        return command;
    }

    /// <summary>Adds Fn's short form <paramref name="alias"/> to <paramref name="command"/>.</summary>
    public static Command WithAlias(this Command command, string alias)
    {
        command.Aliases.Add(alias);
        return command;
    }
}
