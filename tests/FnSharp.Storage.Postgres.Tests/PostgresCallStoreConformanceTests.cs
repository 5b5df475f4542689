using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Npgsql;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>The call store conformance suite on a real PostgreSQL server, a fresh database per test.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class PostgresCallStoreConformanceTests : CallStoreConformanceTests
{
    private readonly FreshPostgresStore _fresh = new();

    protected override async Task<IDataStore> OpenStoreAsync() => await _fresh.OpenAsync();

    protected override async Task CloseStoreAsync() => await _fresh.DisposeAsync();

    protected override async Task<long> CountRowsAsync(string table, string callId)
    {
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_fresh.Url));
        await connection.OpenAsync();

        // The table is one of the suite's constants, never input.
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table} WHERE call_id = @id", connection);
        command.Parameters.AddWithValue("id", callId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
