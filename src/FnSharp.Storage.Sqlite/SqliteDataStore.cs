using System.Data.Common;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite;

/// <summary>
/// The embedded datastore: one SQLite file in WAL mode, opened through Microsoft.Data.Sqlite's
/// connection pool. Uniqueness of names is kept by unique indexes; times are stored as Unix
/// milliseconds. Parameterized SQL only.
/// </summary>
public sealed class SqliteDataStore : IDataStore
{
    private const int ConstraintError = 19;
    private const int ForeignKeyConstraint = 787;

    private readonly string _connectionString;

    private SqliteDataStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>
    /// Opens the store in the file at <paramref name="path"/>, creating the file and its directory
    /// when missing, and migrates its schema to the newest version.
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

    /// <summary>The schema version the store is at after opening.</summary>
    public static int LatestSchemaVersion => SqliteMigrations.Scripts.Count;

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SqliteMigrations.Scripts.Count)
        {
            throw new InvalidOperationException($"The SQLite store is at schema version {version}, newer than this FnSharp's {SqliteMigrations.Scripts.Count}; upgrade FnSharp.");
        }

        for (var next = version; next < SqliteMigrations.Scripts.Count; next++)
        {
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = SqliteMigrations.Scripts[next] + "\nDELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES ($version);";
            migrate.Parameters.AddWithValue("$version", next + 1);
            await migrate.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<App> InsertAppAsync(App app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO apps (id, name, config, annotations, syslog_url, shape, created_at, updated_at)
            VALUES ($id, $name, $config, $annotations, $syslog_url, $shape, $created_at, $updated_at);
            """;
        command.Parameters.AddWithValue("$id", app.Id);
        command.Parameters.AddWithValue("$name", app.Name);
        command.Parameters.AddWithValue("$config", StoreJson.SerializeConfig(app.Config));
        command.Parameters.AddWithValue("$annotations", StoreJson.SerializeAnnotations(app.Annotations));
        command.Parameters.AddWithValue("$syslog_url", (object?)app.SyslogUrl ?? DBNull.Value);
        command.Parameters.AddWithValue("$shape", app.Shape);
        command.Parameters.AddWithValue("$created_at", app.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated_at", app.UpdatedAt.ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ConstraintError)
        {
            throw new ApiException(ApiErrors.AppAlreadyExists);
        }

        return app;
    }

    /// <inheritdoc/>
    public async Task<App?> GetAppByIdAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AppColumns} FROM apps WHERE id = $id;";
        command.Parameters.AddWithValue("$id", appId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApp(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<Page<App>> GetAppsAsync(ListFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {AppColumns} FROM apps
            WHERE ($after IS NULL OR name > $after) AND ($name IS NULL OR name = $name)
            ORDER BY name LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", (object?)filter.AfterName ?? DBNull.Value);
        command.Parameters.AddWithValue("$name", (object?)filter.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", filter.PerPage);
        var items = new List<App>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadApp(reader));
        }

        return new Page<App>(items, items.Count == filter.PerPage);
    }

    /// <inheritdoc/>
    public async Task<Fn> InsertFnAsync(Fn fn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fn);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO fns (id, app_id, name, image, memory, timeout, idle_timeout, config, annotations, shape, created_at, updated_at)
            VALUES ($id, $app_id, $name, $image, $memory, $timeout, $idle_timeout, $config, $annotations, $shape, $created_at, $updated_at);
            """;
        command.Parameters.AddWithValue("$id", fn.Id);
        command.Parameters.AddWithValue("$app_id", fn.AppId);
        command.Parameters.AddWithValue("$name", fn.Name);
        command.Parameters.AddWithValue("$image", fn.Image);
        command.Parameters.AddWithValue("$memory", fn.Memory);
        command.Parameters.AddWithValue("$timeout", fn.Timeout);
        command.Parameters.AddWithValue("$idle_timeout", fn.IdleTimeout);
        command.Parameters.AddWithValue("$config", StoreJson.SerializeConfig(fn.Config));
        command.Parameters.AddWithValue("$annotations", StoreJson.SerializeAnnotations(fn.Annotations));
        command.Parameters.AddWithValue("$shape", fn.Shape);
        command.Parameters.AddWithValue("$created_at", fn.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated_at", fn.UpdatedAt.ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == ForeignKeyConstraint)
        {
            throw new ApiException(ApiErrors.AppNotFound);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ConstraintError)
        {
            throw new ApiException(ApiErrors.FnAlreadyExists);
        }

        return fn;
    }

    /// <inheritdoc/>
    public async Task<Fn?> GetFnAsync(string fnId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FnColumns} FROM fns WHERE id = $id;";
        command.Parameters.AddWithValue("$id", fnId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadFn(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<Page<Fn>> GetFnsAsync(ListFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {FnColumns} FROM fns
            WHERE ($after IS NULL OR name > $after) AND ($name IS NULL OR name = $name) AND ($app_id IS NULL OR app_id = $app_id)
            ORDER BY name LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", (object?)filter.AfterName ?? DBNull.Value);
        command.Parameters.AddWithValue("$name", (object?)filter.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("$app_id", (object?)filter.AppId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", filter.PerPage);
        var items = new List<Fn>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadFn(reader));
        }

        return new Page<Fn>(items, items.Count == filter.PerPage);
    }

    private const string AppColumns = "id, name, config, annotations, syslog_url, shape, created_at, updated_at";

    private const string FnColumns = "id, app_id, name, image, memory, timeout, idle_timeout, config, annotations, shape, created_at, updated_at";

    private static App ReadApp(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Config = StoreJson.DeserializeConfig(reader.GetString(2)),
        Annotations = StoreJson.DeserializeAnnotations(reader.GetString(3)),
        SyslogUrl = reader.IsDBNull(4) ? null : reader.GetString(4),
        Shape = reader.GetString(5),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
    };

    private static Fn ReadFn(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        AppId = reader.GetString(1),
        Name = reader.GetString(2),
        Image = reader.GetString(3),
        Memory = reader.GetInt32(4),
        Timeout = reader.GetInt32(5),
        IdleTimeout = reader.GetInt32(6),
        Config = StoreJson.DeserializeConfig(reader.GetString(7)),
        Annotations = StoreJson.DeserializeAnnotations(reader.GetString(8)),
        Shape = reader.GetString(9),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
    };

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
