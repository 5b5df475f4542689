using FnSharp.Core.Storage;
using Npgsql;

namespace FnSharp.Storage.Postgres;

/// <summary>
/// The changes of a PostgreSQL store, from the notifications its triggers send on the channel
/// <c>fnsharp_changes</c> at each commit (<see cref="PostgresMigrations"/>, script 4): one dedicated
/// connection, outside the pool, runs <c>LISTEN</c> and waits with Npgsql's <c>WaitAsync</c>. While
/// nothing arrives it checks the connection every <see cref="ProbeInterval"/> with a query, so a
/// connection that broke without a word (a server restart, a dropped route) ends the subscription
/// within that time plus the probe's timeout.
/// </summary>
public sealed class PostgresChangeFeed : IStoreChangeFeed
{
    /// <summary>The channel the triggers notify.</summary>
    public const string Channel = "fnsharp_changes";

    private readonly string _connectionString;

    /// <summary>Creates the feed of the database at <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public PostgresChangeFeed(string connectionString)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Held for as long as the node runs: kept out of the pool of short queries.
            Pooling = false,
            CommandTimeout = 5,
            ApplicationName = "fnsharp-change-feed",
        }.ConnectionString;
    }

    /// <summary>How long the connection may be silent before it is checked, 10 s.</summary>
    public static TimeSpan ProbeInterval { get; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public async Task ListenAsync(Action subscribed, Action<string> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribed);
        ArgumentNullException.ThrowIfNull(changed);
        await using var connection = new NpgsqlConnection(_connectionString);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == Channel)
            {
                changed(e.Payload);
            }
        };
        await connection.OpenAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        subscribed();
        while (true)
        {
            if (!await connection.WaitAsync(ProbeInterval, cancellationToken))
            {
                await using var probe = new NpgsqlCommand("SELECT 1", connection);
                await probe.ExecuteScalarAsync(cancellationToken);
            }
        }
    }
}
