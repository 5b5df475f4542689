namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh</c>: prints the script that hooks the shell's tab completion to fnsharp itself.
/// The completions are System.CommandLine's own, through its <c>[suggest:POSITION]</c> directive (the one
/// <c>dotnet-suggest</c> calls): the script passes the line up to the cursor and offers what comes back.
/// No other tool is needed. The script is the same whatever <c>--output</c> says.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>The bash script: a completion function for <c>complete -F</c>.</summary>
    public const string Bash = """
        # bash completion for fnsharp: the candidates come from fnsharp's [suggest] directive (System.CommandLine).
        _fnsharp_complete() {
            local before="${COMP_LINE:0:COMP_POINT}"
            before="${before#"${before%%[![:space:]]*}"}"
            case "$before" in *[[:space:]]*) ;; *) return ;; esac
            local line="fnsharp ${before#*[[:space:]]}"
            local IFS=$'\n'
            local candidates
            candidates=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null) || return
            COMPREPLY=($(compgen -W "$candidates" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _fnsharp_complete fnsharp
        """;

    /// <summary>The zsh script: a completion function for <c>compdef</c> (after <c>compinit</c>).</summary>
    public const string Zsh = """
        #compdef fnsharp
        # zsh completion for fnsharp: the candidates come from fnsharp's [suggest] directive (System.CommandLine).
        _fnsharp() {
            local line="fnsharp ${(j: :)${(@)words[2,CURRENT]}}"
            local -a candidates
            candidates=(${(f)"$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)"})
            compadd -a candidates
        }
        compdef _fnsharp fnsharp
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command(
            "completion",
            "Print the shell script that completes fnsharp's commands, options and values on TAB.\n\nExamples:\n  source <(fnsharp completion bash)                  # in ~/.bashrc\n  source <(fnsharp completion zsh)                   # in ~/.zshrc, after compinit")
        {
            shell,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync((parse.GetValue(shell) == "bash" ? Bash : Zsh).AsMemory(), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
