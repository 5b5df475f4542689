using FnSharp.Core.Ids;

namespace FnSharp.Server.Auth;

/// <summary>Creates and revokes keys, for <c>/v2/keys</c> and for <c>fnsharp-server keys</c> alike.</summary>
internal sealed class KeyService(AuthStore store, IDataStore apps, IdGenerator ids, TimeProvider time, AccessGate gate)
{
    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Checks <paramref name="request"/>, stores the new key and returns it with its token.</summary>
    /// <param name="request">The name and scopes.</param>
    /// <param name="createdBy">The id of the key that asks, when one does.</param>
    /// <param name="cancellationToken">Cancels the store's work.</param>
    /// <exception cref="ApiException">400 naming what is wrong with the name or a scope (an app named by id or name that does not exist).</exception>
    public async Task<ApiKey> CreateAsync(KeyRequest request, string? createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name.Trim();
        if (name.Length is 0 or > MaxNameLength || !StoredText.IsStorable(name) || name.Any(char.IsControl))
        {
            throw new ApiException(new ApiError(400, $"Invalid key name: use 1 to {MaxNameLength} printable characters, for example \"ci deploys\""));
        }

        if (request.Scopes.Count is 0 or > KeyScopes.MaxScopes)
        {
            throw new ApiException(new ApiError(400, $"A key needs 1 to {KeyScopes.MaxScopes} scopes: admin, deploy:<app id> or invoke:<app id>"));
        }

        // An app may be named by id or by name; the key keeps its id, so a later app of the same name gains nothing.
        var scopes = new List<string>(request.Scopes.Count);
        foreach (var scope in request.Scopes)
        {
            switch (KeyScopes.Parse(scope))
            {
                case null:
                    throw new ApiException(new ApiError(400, $"Invalid scope '{scope}': use admin, deploy:<app id> or invoke:<app id>"));
                case (var role, { } app):
                    var found = await apps.GetAppByIdAsync(app, cancellationToken) ?? await apps.GetAppByNameAsync(app, cancellationToken)
                        ?? throw new ApiException(new ApiError(400, $"Invalid scope '{scope}': no app has the id or name {app}"));
                    scopes.Add(KeyScopes.ForApp(role, found.Id));
                    break;
                default:
                    scopes.Add(KeyScopes.Admin);
                    break;
            }
        }

        var id = ids.NewId();
        var (token, hash) = ApiTokens.Create(id);
        var key = new ApiKey { Id = id, Name = name, Scopes = scopes.Distinct(StringComparer.Ordinal).ToList(), CreatedAt = ApiTime.Now(time), CreatedBy = createdBy };
        await store.Keys.InsertKeyAsync(key, hash, cancellationToken);
        gate.KeysChanged();
        return key with { Token = token };
    }

    /// <summary>Revokes the key <paramref name="keyId"/>; it stops working at once on every node.</summary>
    /// <returns>The key as now stored, or <see langword="null"/> when there is none.</returns>
    public async Task<ApiKey?> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        var revoked = await store.Keys.RevokeKeyAsync(keyId, ApiTime.Now(time), cancellationToken);
        gate.KeysChanged();
        return revoked;
    }
}
