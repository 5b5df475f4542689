namespace FnSharp.Core.Storage;

/// <summary>
/// Where API keys live: in the same database as apps and fns, so that every node sharing a PostgreSQL
/// sees a key, and its revocation, at once. Only a hash of each token is kept
/// (<see cref="StoredKey.TokenHash"/>). Implemented by <see cref="Sql.SqlDataStore"/>; checked by the
/// key store conformance suite. Every method is safe to call concurrently.
/// </summary>
public interface IKeyStore
{
    /// <summary>Stores a new key, its id and creation time set, with the hash of its token.</summary>
    Task InsertKeyAsync(ApiKey key, byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Returns the key with <paramref name="keyId"/> and its token hash, revoked or not, or <see langword="null"/>.</summary>
    Task<StoredKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Returns one page of keys, revoked ones included, oldest first, after <paramref name="afterId"/> when set.</summary>
    Task<Page<ApiKey>> GetKeysAsync(string? afterId, int perPage, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes a key: from then on <see cref="GetKeyAsync"/> returns it with <see cref="ApiKey.RevokedAt"/>
    /// set. Revoking a revoked key keeps its first revocation time.
    /// </summary>
    /// <returns>The key as now stored, or <see langword="null"/> when there is no such key.</returns>
    Task<ApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    /// <summary>Whether any key that is not revoked exists.</summary>
    Task<bool> HasActiveKeysAsync(CancellationToken cancellationToken);
}
