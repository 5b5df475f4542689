using FnSharp.Core.Storage;
using Npgsql;

namespace FnSharp.Storage.Postgres;

/// <summary>
/// The messages of a PostgreSQL store on the channel <c>fnsharp_changes</c>: those its triggers send at
/// each commit of apps, fns and triggers (<see cref="PostgresMigrations"/>, script 5), and those nodes
/// send. One dedicated connection, outside the pool, runs <c>LISTEN</c> and waits with Npgsql's
/// <c>WaitAsync</c>; while nothing arrives it checks the connection every <see cref="ProbeInterval"/>
/// with a query, so a connection that broke without a word (a server restart, a dropped route) ends the
/// subscription within that time plus the probe's timeout. Messages are sent on the store's pool.
/// </summary>
public sealed class PostgresChangeFeed : IStoreChangeFeed
{
    /// <summary>The channel the triggers and the nodes notify.</summary>
    public const string Channel = "fnsharp_changes";

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _pool;

    /// <summary>Creates the feed of the database at <paramref name="connectionString"/> (an Npgsql connection string), sending on <paramref name="pool"/>.</summary>
    public PostgresChangeFeed(string connectionString, NpgsqlDataSource pool)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Held for as long as the node runs: kept out of the pool of short queries.
            Pooling = false,
            CommandTimeout = 5,
            ApplicationName = "fnsharp-change-feed",
        }.ConnectionString;
        _pool = pool;
    }

    /// <summary>How long the connection may be silent before it is checked, 10 s.</summary>
    public static TimeSpan ProbeInterval { get; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public async Task ListenAsync(Action subscribed, Action<string> notified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribed);
        ArgumentNullException.ThrowIfNull(notified);
        await using var connection = new NpgsqlConnection(_connectionString);

        // Raised on the reading loop, one message at a time, in the order PostgreSQL delivers them.
        connection.Notification += (_, e) =>
        {
            if (e.Channel == Channel)
            {
                notified(e.Payload);
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

    /// <inheritdoc/>
    public async Task NotifyAsync(string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var command = _pool.CreateCommand("SELECT pg_notify(@channel, @message)");
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("message", message);
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
