using System.Data;
using System.Data.Common;
using System.Globalization;

namespace FnSharp.Core.Storage.Sql;

public abstract partial class SqlDataStore
{
    /// <summary>
    /// Brings the store's schema from the version in <c>schema_version</c> (0 when empty) to
    /// <paramref name="scripts"/>' count, each script with its new version in the same
    /// <paramref name="transaction"/>, which the caller opened under its backend's lock and commits.
    /// </summary>
    /// <param name="connection">The open connection of <paramref name="transaction"/>.</param>
    /// <param name="transaction">The transaction the migrations run in; the caller commits it.</param>
    /// <param name="scripts">The backend's migrations, oldest first; script N brings version N to N + 1.</param>
    /// <param name="storeName">The backend's name in the error, for example <c>SQLite</c>.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <exception cref="InvalidOperationException">The store is at a newer version than this FnSharp knows.</exception>
    protected static async Task ApplyMigrationsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<string> scripts, string storeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(scripts);
        int version;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
            version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (version > scripts.Count)
        {
            throw new InvalidOperationException($"The {storeName} store is at schema version {version}, newer than this FnSharp's {scripts.Count}; upgrade FnSharp.");
        }

        for (var next = version; next < scripts.Count; next++)
        {
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = scripts[next] + "\nDELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES (@version);";
            Add(migrate, "@version", DbType.Int32, next + 1);
            await migrate.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
