namespace FnSharp.Core.Models;

/// <summary>
/// The scopes of an <see cref="ApiKey"/>, written as strings: <c>admin</c> (everything, keys and the
/// audit log included), <c>deploy:&lt;app id&gt;</c> (the app's fns, triggers, calls and logs: create,
/// read, update, delete, redrive; reading the app) and <c>invoke:&lt;app id&gt;</c> (calling the app's fns).
/// A <c>deploy</c> scope also grants <c>invoke</c> on its app.
/// </summary>
public static class KeyScopes
{
    /// <summary>Everything.</summary>
    public const string Admin = "admin";

    /// <summary>The role of a scope on one app's fns, triggers, calls and logs.</summary>
    public const string Deploy = "deploy";

    /// <summary>The role of a scope that calls one app's fns.</summary>
    public const string Invoke = "invoke";

    /// <summary>The most scopes one key may carry.</summary>
    public const int MaxScopes = 100;

    /// <summary>The scope string of <paramref name="role"/> on the app <paramref name="appId"/>, for example <c>deploy:01J...</c>.</summary>
    public static string ForApp(string role, string appId) => role + ":" + appId;

    /// <summary>
    /// Splits a scope into its role and app id: (<c>admin</c>, <see langword="null"/>), (<c>deploy</c>, id)
    /// or (<c>invoke</c>, id); <see langword="null"/> for anything else.
    /// </summary>
    public static (string Role, string? AppId)? Parse(string? scope)
    {
        if (scope == Admin)
        {
            return (Admin, null);
        }

        var colon = scope?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || colon == scope!.Length - 1)
        {
            return null;
        }

        var role = scope[..colon];
        var appId = scope[(colon + 1)..];
        return role is Deploy or Invoke && !appId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? (role, appId) : null;
    }
}
