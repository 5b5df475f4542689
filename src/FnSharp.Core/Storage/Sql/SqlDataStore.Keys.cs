using System.Data;
using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

// API keys on the table api_keys: scopes as one space-separated text, since a scope holds no space, and the
// token's hash as bytes. Not cached: a revocation written by any node is seen by the next request on every node.
public abstract partial class SqlDataStore : IKeyStore
{
    private const string KeyColumns = "id, name, scopes, created_at, created_by, revoked_at, token_hash";
    private const string SelectKey = $"SELECT {KeyColumns} FROM api_keys WHERE id = @id";

    /// <inheritdoc/>
    public Task InsertKeyAsync(ApiKey key, byte[] tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tokenHash);
        return ExecuteAsync(
            $"INSERT INTO api_keys ({KeyColumns}) VALUES ({SqlParameters.Of(KeyColumns)})",
            command =>
            {
                AddString(command, "@id", key.Id);
                AddString(command, "@name", key.Name);
                AddString(command, "@scopes", string.Join(' ', key.Scopes));
                AddInt64(command, "@created_at", key.CreatedAt.ToUnixTimeMilliseconds());
                AddString(command, "@created_by", key.CreatedBy);
                Add(command, "@revoked_at", DbType.Int64, key.RevokedAt?.ToUnixTimeMilliseconds());
                Add(command, "@token_hash", DbType.Binary, tokenHash);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StoredKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken) =>
        QueryOneAsync(SelectKey, [("@id", keyId)], static reader => new StoredKey(ReadKey(reader), (byte[])reader.GetValue(6)), cancellationToken);

    /// <inheritdoc/>
    public Task<Page<ApiKey>> GetKeysAsync(string? afterId, int perPage, CancellationToken cancellationToken) =>
        QueryPageAsync(
            [afterId],
            $"SELECT {KeyColumns} FROM api_keys WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit",
            perPage,
            command => AddString(command, "@after", afterId),
            ReadKey,
            cancellationToken);

    /// <inheritdoc/>
    public async Task<ApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        if (!StoredText.IsStorable(keyId))
        {
            return null;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using (var update = Command(connection, null, "UPDATE api_keys SET revoked_at = @revoked_at WHERE id = @id AND revoked_at IS NULL"))
        {
            AddString(update, "@id", keyId);
            AddInt64(update, "@revoked_at", revokedAt.ToUnixTimeMilliseconds());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = Command(connection, null, SelectKey);
        AddString(command, "@id", keyId);
        return await ReadOneAsync(command, ReadKey, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> HasActiveKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1");
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static ApiKey ReadKey(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Scopes = reader.GetString(2).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        CreatedBy = reader.IsDBNull(4) ? null : reader.GetString(4),
        RevokedAt = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
    };
}
