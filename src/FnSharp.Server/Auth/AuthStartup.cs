namespace FnSharp.Server.Auth;

/// <summary>
/// Safe by default, at start-up (after the store is open, before any hosted service starts or the server listens): with
/// <c>FN_AUTH=auto</c>, no <c>FN_ADMIN_TOKEN</c> and no key in the store, a server whose
/// <c>FN_LISTEN_ADDRESS</c> is not loopback refuses to start, saying how to create a key; with
/// <c>FN_AUTH=off</c> it starts with a warning. Logs which state it starts in.
/// </summary>
internal sealed partial class AuthStartup(AuthStore store, IOptions<AuthOptions> auth, IOptions<ServerOptions> server, ILogger<AuthStartup> logger) : IStartupCheck
{
    /// <summary>What the refusal says, after the address.</summary>
    public const string HowToCreateAKey =
        "create an admin key with 'fnsharp-server keys create --scope admin' (it prints the token once; send it as 'Authorization: Bearer <token>'), "
        + "or set FN_ADMIN_TOKEN, or listen on loopback only with FN_LISTEN_ADDRESS=127.0.0.1, or turn auth off with FN_AUTH=off";

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var settings = auth.Value;
        var address = server.Value.ListenAddress;
        if (settings.Mode == AuthMode.Off)
        {
            LogAuthOff(logger, address);
            return;
        }

        var keys = await store.Keys.HasActiveKeysAsync(cancellationToken);
        if (settings.AdminToken is not null || keys)
        {
            LogKeysRequired(logger, keys ? "the store holds API keys" : "FN_ADMIN_TOKEN is set");
            return;
        }

        if (settings.Mode == AuthMode.On)
        {
            LogOnWithoutKeys(logger);
            return;
        }

        if (!server.Value.ListensOnLoopbackOnly)
        {
            throw new OptionsValidationException(
                nameof(AuthOptions),
                typeof(AuthOptions),
                [$"no API key exists and FN_LISTEN_ADDRESS={address} is not loopback, so anyone reaching the port could run any image: {HowToCreateAKey}."]);
        }

        LogOpen(logger, address);
    }

    // Event ids 1700-1799 belong to auth: 1760-1769 to start-up.
    [LoggerMessage(1760, LogLevel.Warning, "FN_AUTH=off: every request is served without an API key on {Address}; anyone who reaches the port can run any image")]
    private static partial void LogAuthOff(ILogger logger, string address);

    [LoggerMessage(1761, LogLevel.Information, "API keys are required ({Reason})")]
    private static partial void LogKeysRequired(ILogger logger, string reason);

    [LoggerMessage(1762, LogLevel.Warning, "FN_AUTH=on and no API key exists yet: every request but the public ones is refused until one is created with 'fnsharp-server keys create --scope admin'")]
    private static partial void LogOnWithoutKeys(ILogger logger);

    [LoggerMessage(1763, LogLevel.Information, "No API key exists: serving without one on loopback ({Address}) only; create one with 'fnsharp-server keys create --scope admin' to require keys")]
    private static partial void LogOpen(ILogger logger, string address);
}
