using FnSharp.Core.Storage.Sql;

namespace FnSharp.Storage.Sqlite;

/// <summary>
/// The schema, as an ordered list of migrations. Version N is the state after the N-th script; a
/// store records its version in <c>schema_version</c> and start-up applies the scripts it lacks, so
/// a file created by an older FnSharp upgrades in place. Scripts are only ever appended. The tables are the
/// PostgreSQL store's (<see cref="SharedMigrations"/>), in SQLite's types.
/// </summary>
internal static class SqliteMigrations
{
    // SQLite's type affinities: integers of any size, booleans among them.
    private static readonly SqlColumnTypes Types = new(Key: "TEXT", Text: "TEXT", Int32: "INTEGER", Int64: "INTEGER", Boolean: "INTEGER", Bytes: "BLOB");

    public static readonly IReadOnlyList<string> Scripts =
    [
        // 1: apps and fns.
        string.Join('\n', SharedMigrations.Apps(Types), SharedMigrations.Fns(Types, uniqueIdApp: false)),

        // 2: triggers, which reference a fn with its app: (id, app_id) of fns made unique first.
        string.Join('\n', "CREATE UNIQUE INDEX fns_id_app ON fns (id, app_id);", SharedMigrations.Triggers(Types)),

        // 3: calls, the payloads of queued detached calls, and call logs.
        SharedMigrations.Calls(Types),

        // 4: API keys and the audit log.
        SharedMigrations.KeysAndAudit(Types),

        // 5: the digest of the image a call ran.
        SharedMigrations.CallImageDigest(Types),

        // 6: node membership (on SQLite, the one node).
        SharedMigrations.Nodes(Types),

        // 7 (issue 20, triggers): cron and NATS triggers unique per fn, and each stored tick of a cron trigger.
        SharedMigrations.TriggerTicks("INTEGER"),

        // 8: how each call had its container (issue 17).
        SharedMigrations.CallStarts,
    ];
}
