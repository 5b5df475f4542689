using System.Data.Common;
using System.Globalization;
using FnSharp.Core.Storage;
using FnSharp.Core.Storage.Sql;
using Npgsql;

namespace FnSharp.Storage.Postgres;

/// <summary>
/// The PostgreSQL datastore (Npgsql), for several nodes sharing one store. The SQL is
/// <see cref="SqlDataStore"/>'s; this class owns the Npgsql data source (its connection pool),
/// migrates the schema (<see cref="PostgresMigrations"/>) under an advisory lock so that nodes
/// starting together migrate once, and reads PostgreSQL's constraint errors by constraint name. Its
/// changes of apps, fns and triggers reach every node through <see cref="PostgresChangeFeed"/>.
/// </summary>
public sealed class PostgresDataStore : SqlDataStore, IStoreChangeFeed, IAsyncDisposable
{
    /// <summary>The advisory lock key that serializes migrations across nodes (any constant; this one spells "fnsharp").</summary>
    private const long MigrationLockKey = 0x666e7368617270;

    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresChangeFeed _changes;

    private PostgresDataStore(NpgsqlDataSource dataSource, string connectionString)
    {
        _dataSource = dataSource;

        // Not the data source's ConnectionString, which leaves the password out.
        _changes = new PostgresChangeFeed(connectionString, dataSource);
    }

    /// <summary>The <c>FN_DB_URL</c> schemes this store answers to.</summary>
    public static IReadOnlyList<string> Schemes { get; } = ["postgres", "postgresql"];

    /// <summary>The schema version the store is at after opening.</summary>
    public static int LatestSchemaVersion => PostgresMigrations.Scripts.Count;

    /// <inheritdoc/>
    protected override bool LocksRowsForUpdate => true;

    /// <inheritdoc/>
    /// <remarks>Concurrent claims, from this node or others, lock disjoint calls and never wait for each other.</remarks>
    protected override string ClaimLockClause => " FOR UPDATE OF c SKIP LOCKED";

    /// <summary>
    /// Whether <paramref name="url"/> names a PostgreSQL database (<c>postgres://</c> or <c>postgresql://</c>), by its
    /// scheme as written: a URL with a bad part is still one, for <see cref="ConnectionStringFromUrl"/> to say what is wrong.
    /// </summary>
    public static bool IsPostgresUrl(string url) =>
        url is not null && Schemes.Any(scheme => url.StartsWith(scheme + "://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Turns <c>postgres://user:password@host:port/database?sslmode=disable</c> into an Npgsql connection
    /// string. The port defaults to 5432; user and password are URL-decoded; <c>sslmode</c> is the only
    /// query parameter understood.
    /// </summary>
    /// <exception cref="FormatException">The URL is not of that shape; the message says what is wrong.</exception>
    public static string ConnectionStringFromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            throw new FormatException(WhyNotAUrl(url));
        }

        if (uri.Host.Length == 0)
        {
            throw new FormatException("it names no host");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
        {
            throw new FormatException("it names no database (the path after the host)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, Uri.UnescapeDataString(v)) : (pair, "");
            if (!key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"the query parameter '{key}' is not supported (only sslmode is)");
            }

            builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                ? mode
                : throw new FormatException($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
        }

        return builder.ConnectionString;
    }

    /// <summary>Why <paramref name="url"/>, which <see cref="Uri"/> refused, is not a PostgreSQL URL, as far as its text tells.</summary>
    private static string WhyNotAUrl(string url)
    {
        const string Shape = "it is not a URL of the form postgres://user:password@host:port/database";
        if (!IsPostgresUrl(url))
        {
            return Shape;
        }

        // The authority: after the scheme, up to the path or the query.
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var authority = rest[..(rest.IndexOfAny(['/', '?']) is >= 0 and var end ? end : rest.Length)];
        if (authority.Count(c => c == '@') > 1)
        {
            return "its user or password holds an '@': percent-encode it as %40 (and ':' as %3A, '/' as %2F)";
        }

        var hostPort = authority[(authority.LastIndexOf('@') + 1)..];
        if (hostPort.LastIndexOf(':') is >= 0 and var colon && !hostPort.EndsWith(']') && hostPort[(colon + 1)..] is var port && !(port.Length > 0 && port.All(char.IsAsciiDigit)))
        {
            return $"its port '{port}' is not a number";
        }

        return Shape;
    }

    /// <summary>Connects to the database named by <paramref name="url"/> and migrates its schema to the newest version.</summary>
    /// <exception cref="FormatException">The URL is malformed.</exception>
    /// <exception cref="InvalidOperationException">The database holds a schema newer than this FnSharp knows.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refuses the login.</exception>
    public static async Task<PostgresDataStore> OpenAsync(string url, CancellationToken cancellationToken)
    {
        var connectionString = ConnectionStringFromUrl(url);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresDataStore(dataSource, connectionString);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task ListenAsync(Action subscribed, Action<string> notified, CancellationToken cancellationToken) =>
        _changes.ListenAsync(subscribed, notified, cancellationToken);

    /// <inheritdoc/>
    public Task NotifyAsync(string message, CancellationToken cancellationToken) => _changes.NotifyAsync(message, cancellationToken);

    /// <summary>Closes the connection pool.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc/>
    protected override ConstraintViolation? Classify(DbException exception) => exception switch
    {
        PostgresException { SqlState: UniqueViolation } e => new ConstraintViolation(ConstraintKind.Unique, e.ConstraintName),
        PostgresException { SqlState: ForeignKeyViolation } => new ConstraintViolation(ConstraintKind.ForeignKey, null),
        _ => null,
    };

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var prepare = connection.CreateCommand())
        {
            // The transaction-scoped advisory lock makes a second node wait here until the first has
            // committed, and then find nothing left to do.
            prepare.Transaction = transaction;
            prepare.CommandText = "SELECT pg_advisory_xact_lock(@key); CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);";
            prepare.Parameters.AddWithValue("key", MigrationLockKey);
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        await ApplyMigrationsAsync(connection, transaction, PostgresMigrations.Scripts, "PostgreSQL", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
