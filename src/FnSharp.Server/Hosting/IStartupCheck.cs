namespace FnSharp.Server.Hosting;

/// <summary>
/// A check the server makes once its store is open and before any hosted service starts (auth's refusal to
/// serve a public address without a key). Run by <see cref="ServerLifetime"/> in the host's "starting" stage,
/// so a refusal stops the server before background services begin work that would only be cancelled.
/// </summary>
internal interface IStartupCheck
{
    /// <summary>Makes the check; logs which state the server starts in.</summary>
    /// <exception cref="OptionsValidationException">The server must not start; each failure says what to change.</exception>
    Task CheckAsync(CancellationToken cancellationToken);
}
