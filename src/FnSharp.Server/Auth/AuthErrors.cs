namespace FnSharp.Server.Auth;

/// <summary>The answers of authentication and authorization (<c>docs/api.md</c>, "Keys").</summary>
internal static class AuthErrors
{
    /// <summary>401: no <c>Authorization</c> header.</summary>
    public static readonly ApiError MissingKey = new(401, "Missing API key: send the header 'Authorization: Bearer <token>' (the fnsharp CLI: --token or FN_TOKEN)");

    /// <summary>401: an <c>Authorization</c> header of another scheme.</summary>
    public static readonly ApiError NotBearer = new(401, "Unsupported Authorization scheme: send 'Authorization: Bearer <token>'");

    /// <summary>401: a token that is no key of this server.</summary>
    public static readonly ApiError InvalidKey = new(401, "Invalid API key");

    /// <summary>401: a key that was revoked.</summary>
    public static readonly ApiError RevokedKey = new(401, "API key revoked");

    /// <summary>401: a request that reached a server without keys through an address other than loopback.</summary>
    public static readonly ApiError OpenOnLoopbackOnly = new(401, "This server has no API key yet and serves only loopback connections without one; create a key with 'fnsharp-server keys create --scope admin'");

    /// <summary>500: a route without an authorization rule, refused rather than served open.</summary>
    public static readonly ApiError NoRule = new(500, "internal server error: this route has no authorization rule");

    /// <summary>403: the key lacks <paramref name="scope"/>.</summary>
    /// <param name="scope">The scope needed, for example <c>admin</c> or <c>deploy:01J...</c>.</param>
    public static ApiError MissingScope(string scope) =>
        new(403, scope == Core.Models.KeyScopes.Admin
            ? "This API key lacks the scope needed: admin"
            : $"This API key lacks the scope needed: {scope} (or admin)");

    /// <summary>403: the key has no scope of <paramref name="role"/> on any app.</summary>
    /// <param name="role"><c>deploy</c> or <c>invoke</c>.</param>
    public static ApiError MissingRole(string role) =>
        new(403, $"This API key lacks the scope needed: {role}:<app id> of the app concerned (or admin)");
}
