using FnSharp.Storage.Postgres;
using Npgsql;

namespace FnSharp.Testing.Storage;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class, created on the server named by
/// <c>FNSHARP_TEST_POSTGRES</c> (which <c>scripts/test.sh</c> starts) and dropped on dispose, so that
/// test classes running in parallel never see each other's rows.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding the server's URL, <c>postgres://user@host:port/database</c>.</summary>
    public const string Variable = "FNSHARP_TEST_POSTGRES";

    private readonly string _adminUrl;
    private readonly string _name;

    private PostgresTestDatabase(string adminUrl, string name)
    {
        _adminUrl = adminUrl;
        _name = name;
        Url = new UriBuilder(adminUrl) { Path = "/" + name }.Uri.ToString();
    }

    /// <summary>The new database's URL, for <c>FN_DB_URL</c> or <see cref="PostgresDataStore.OpenAsync"/>.</summary>
    public string Url { get; }

    /// <summary>Creates the database.</summary>
    /// <exception cref="InvalidOperationException"><c>FNSHARP_TEST_POSTGRES</c> is not set; the message says how to start the server.</exception>
    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var adminUrl = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(adminUrl))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL tests cannot run. Run them through scripts/test.sh (which starts PostgreSQL), "
                + $"or start it yourself: eval \"$(scripts/start-postgres.sh --env)\" (and scripts/stop-postgres.sh afterwards).");
        }

        var database = new PostgresTestDatabase(adminUrl, "fnsharp_test_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteAsync("CREATE DATABASE ");
        return database;
    }

    /// <summary>Drops the database, closing any connection still open to it.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync("DROP DATABASE IF EXISTS ", " WITH (FORCE)");
    }

    private async Task ExecuteAsync(string before, string after = "")
    {
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_adminUrl));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // A database name cannot be a parameter; this one is made here from a GUID and quoted.
        command.CommandText = before + "\"" + _name + "\"" + after;
        await command.ExecuteNonQueryAsync();
    }
}
