using System.Data.Common;
using FnSharp.Core.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite;

/// <summary>
/// The embedded datastore: one SQLite file in WAL mode, opened through Microsoft.Data.Sqlite's
/// connection pool with foreign keys on. The SQL is <see cref="SqlDataStore"/>'s; this class opens
/// the file, migrates its schema (<see cref="SqliteMigrations"/>) and reads SQLite's constraint errors.
/// </summary>
public sealed class SqliteDataStore : SqlDataStore
{
    private const int ConstraintError = 19;
    private const int ForeignKeyConstraint = 787;

    private readonly string _connectionString;

    private SqliteDataStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>The schema version the store is at after opening.</summary>
    public static int LatestSchemaVersion => SqliteMigrations.Scripts.Count;

    /// <inheritdoc/>
    protected override bool LocksRowsForUpdate => false;

    /// <inheritdoc/>
    /// <remarks>None: the claim's transaction is <c>BEGIN IMMEDIATE</c>, which already keeps every other writer out.</remarks>
    protected override string ClaimLockClause => "";

    /// <summary>
    /// Opens the store in the file at <paramref name="path"/>, creating the file and its directory
    /// when missing, and migrates its schema to the newest version in one transaction.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file holds a schema newer than this FnSharp knows.</exception>
    public static async Task<SqliteDataStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var store = new SqliteDataStore(connectionString);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc/>
    protected override ConstraintViolation? Classify(DbException exception)
    {
        if (exception is not SqliteException { SqliteErrorCode: ConstraintError } sqlite)
        {
            return null;
        }

        if (sqlite.SqliteExtendedErrorCode == ForeignKeyConstraint)
        {
            return new ConstraintViolation(ConstraintKind.ForeignKey, null);
        }

        // SQLite names the columns, not the index: "UNIQUE constraint failed: triggers.app_id, triggers.type, triggers.source".
        var message = sqlite.Message;
        string? index =
            message.Contains("triggers.fn_id, triggers.type, triggers.source", StringComparison.Ordinal) ? TriggersFnTypeSourceIndex
            : message.Contains("triggers.source", StringComparison.Ordinal) ? TriggersAppTypeSourceIndex
            : message.Contains("triggers.name", StringComparison.Ordinal) ? TriggersAppFnNameIndex
            : message.Contains("fns.name", StringComparison.Ordinal) ? FnsAppNameIndex
            : message.Contains("apps.name", StringComparison.Ordinal) ? AppsNameIndex
            : null;
        return new ConstraintViolation(ConstraintKind.Unique, index);
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = (SqliteConnection)await OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken);

        // BEGIN IMMEDIATE: a second process opening the same file waits here instead of migrating too.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ApplyMigrationsAsync(connection, transaction, SqliteMigrations.Scripts, "SQLite", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
