namespace FnSharp.Server.Auth;

/// <summary>Who made a request: the key it carried and what that key may do.</summary>
internal sealed class Caller
{
    /// <summary>The key id under which <c>FN_ADMIN_TOKEN</c> is shown in the audit log.</summary>
    public const string AdminTokenId = "FN_ADMIN_TOKEN";

    private readonly HashSet<string> _deployApps;
    private readonly HashSet<string> _invokeApps;

    private Caller(string? keyId, string keyName, bool isAdmin, HashSet<string> deployApps, HashSet<string> invokeApps)
    {
        KeyId = keyId;
        KeyName = keyName;
        IsAdmin = isAdmin;
        _deployApps = deployApps;
        _invokeApps = invokeApps;
    }

    /// <summary>Anyone, on a server that asks for no key (running open on loopback, or <c>FN_AUTH=off</c>): allowed everything.</summary>
    public static Caller Anonymous { get; } = new(null, "anonymous", isAdmin: true, [], []);

    /// <summary>The holder of <c>FN_ADMIN_TOKEN</c>.</summary>
    public static Caller AdminToken { get; } = new(AdminTokenId, AdminTokenId, isAdmin: true, [], []);

    /// <summary>The key's id; <see langword="null"/> for <see cref="Anonymous"/>.</summary>
    public string? KeyId { get; }

    /// <summary>The key's name, for the audit log.</summary>
    public string KeyName { get; }

    /// <summary>Whether the key has the <c>admin</c> scope.</summary>
    public bool IsAdmin { get; }

    /// <summary>The caller of a stored key.</summary>
    public static Caller Of(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var admin = false;
        HashSet<string> deploy = new(StringComparer.Ordinal);
        HashSet<string> invoke = new(StringComparer.Ordinal);
        foreach (var scope in key.Scopes)
        {
            switch (KeyScopes.Parse(scope))
            {
                case (KeyScopes.Admin, _):
                    admin = true;
                    break;
                case (KeyScopes.Deploy, { } app):
                    deploy.Add(app);
                    break;
                case (KeyScopes.Invoke, { } app):
                    invoke.Add(app);
                    break;
            }
        }

        return new Caller(key.Id, key.Name, admin, deploy, invoke);
    }

    /// <summary>Whether the key may act as <paramref name="role"/> on the app <paramref name="appId"/>: <c>admin</c>, or the role's scope on the app (<c>deploy</c> also grants <c>invoke</c>).</summary>
    public bool Allows(string role, string appId) =>
        IsAdmin || _deployApps.Contains(appId) || (role == KeyScopes.Invoke && _invokeApps.Contains(appId));

    /// <summary>Whether the key may act as <paramref name="role"/> on some app.</summary>
    public bool HasRole(string role) =>
        IsAdmin || _deployApps.Count > 0 || (role == KeyScopes.Invoke && _invokeApps.Count > 0);
}
