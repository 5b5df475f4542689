using FnSharp.Server.Configuration;

namespace FnSharp.Server.Hosting;

/// <summary>
/// At start-up: one warning per Fn setting that is set but not honoured (<see cref="FnOnlySettings"/>), naming it, its
/// value and what FnSharp does instead, so that a Fn operator's environment is never ignored unsaid. Never refuses a
/// start (a value that must stop it is refused by <see cref="Settings"/>, as <c>FN_NODE_TYPE=pure-runner</c>).
/// </summary>
internal sealed partial class FnOnlySettingsStartup(IConfiguration configuration, ILogger<FnOnlySettingsStartup> logger) : IStartupCheck
{
    public Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, value, explanation) in FnOnlySettings.Set(configuration))
        {
            LogNotHonoured(logger, key, value, explanation);
        }

        return Task.CompletedTask;
    }

    // Event ids 1000-1099 belong to the server's hosting.
    [LoggerMessage(1007, LogLevel.Warning, "{Setting}={Value} {Explanation}")]
    private static partial void LogNotHonoured(ILogger logger, string setting, string value, string explanation);
}
