using System.Security.Cryptography;

namespace FnSharp.Server.Auth;

/// <summary>
/// Decides whether requests need a key (<see cref="AccessState"/>) and checks presented tokens. Keys are
/// required when <c>FN_AUTH=on</c>, when <c>FN_ADMIN_TOKEN</c> is set, or when the store holds a key that
/// is not revoked (<c>FN_AUTH=auto</c>). Whether the store holds one is read again at most every
/// <see cref="KeysExistLifetime"/> (and at once after a key is created or revoked through this node), so a
/// key created through another node turns auth on here within that time. A presented token is always
/// looked up in the store: a revocation counts on every node from the next request.
/// </summary>
internal sealed class AccessGate(AuthStore store, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>How long the answer "the store holds a key" is reused.</summary>
    public static readonly TimeSpan KeysExistLifetime = TimeSpan.FromSeconds(1);

    private readonly Lazy<byte[]?> _adminTokenHash = new(() => options.Value.AdminToken is { } token ? ApiTokens.Hash(token) : null);
    private KeysExist? _keysExist;

    /// <summary>Whether requests need a key now.</summary>
    public async ValueTask<AccessState> StateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Mode == AuthMode.Off)
        {
            return AccessState.Off;
        }

        if (settings.Mode == AuthMode.On || settings.AdminToken is not null)
        {
            return AccessState.KeysRequired;
        }

        var now = time.GetTimestamp();
        if (Volatile.Read(ref _keysExist) is not { } known || time.GetElapsedTime(known.ReadAt, now) >= KeysExistLifetime)
        {
            known = new KeysExist(await store.Keys.HasActiveKeysAsync(cancellationToken), now);
            Volatile.Write(ref _keysExist, known);
        }

        return known.Value ? AccessState.KeysRequired : AccessState.OpenOnLoopback;
    }

    /// <summary>Forgets whether keys exist, after a key was created or revoked through this node.</summary>
    public void KeysChanged() => Volatile.Write(ref _keysExist, null);

    /// <summary>
    /// The caller <paramref name="token"/> stands for: <c>FN_ADMIN_TOKEN</c>, or a stored key that is not
    /// revoked and whose hash matches; otherwise the error to answer (401).
    /// </summary>
    public async Task<(Caller? Caller, Core.Errors.ApiError? Error)> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (_adminTokenHash.Value is { } adminHash && CryptographicOperations.FixedTimeEquals(ApiTokens.Hash(token), adminHash))
        {
            return (Caller.AdminToken, null);
        }

        if (!ApiTokens.TryParse(token, out var keyId, out var secret))
        {
            return (null, AuthErrors.InvalidKey);
        }

        var stored = await store.Keys.GetKeyAsync(keyId, cancellationToken);
        if (stored is null || !ApiTokens.Matches(secret, stored.TokenHash))
        {
            return (null, AuthErrors.InvalidKey);
        }

        return stored.Key.RevokedAt is null ? (Caller.Of(stored.Key), null) : (null, AuthErrors.RevokedKey);
    }

    private sealed record KeysExist(bool Value, long ReadAt);
}
