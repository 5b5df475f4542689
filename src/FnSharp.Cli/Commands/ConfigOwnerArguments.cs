namespace FnSharp.Cli.Commands;

/// <summary>
/// The arguments that name the owner of config entries under a <c>config</c> command: <c>APP</c> for
/// <see cref="Noun.App"/>, <c>APP FN</c> for <see cref="Noun.Fn"/>; fresh for each command.
/// </summary>
internal sealed class ConfigOwnerArguments
{
    private readonly Argument<string> _app = new("app") { Description = "The app's name." };
    private readonly Argument<string>? _fn;

    public ConfigOwnerArguments(Noun noun)
    {
        Noun = noun;
        _fn = noun == Noun.Fn ? new Argument<string>("fn") { Description = "The fn's name." } : null;
    }

    /// <summary><see cref="Noun.App"/> or <see cref="Noun.Fn"/>.</summary>
    public Noun Noun { get; }

    /// <summary>The arguments, in order.</summary>
    public Argument<string>[] All => _fn is null ? [_app] : [_app, _fn];

    /// <summary>Finds the app or fn the parsed arguments name.</summary>
    /// <exception cref="CliException">It does not exist.</exception>
    public async Task<ConfigOwner> FindAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        if (_fn is null)
        {
            var app = await context.FindAppAsync(parse.GetValue(_app)!, cancellationToken);
            return new ConfigOwner(app.Name, ["app", app.Name], app.Config, (config, token) => context.Client.UpdateAppAsync(new App { Id = app.Id, Config = config }, token));
        }

        var (owner, fn) = await context.FindFnAsync(parse.GetValue(_app)!, parse.GetValue(_fn)!, cancellationToken);
        return new ConfigOwner(fn.Name, ["fn", owner.Name, fn.Name], fn.Config, (config, token) => context.Client.UpdateFnAsync(new Fn { Id = fn.Id, Config = config }, token));
    }
}
