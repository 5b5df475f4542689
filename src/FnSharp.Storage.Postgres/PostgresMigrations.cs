using FnSharp.Core.Storage.Sql;

namespace FnSharp.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as an ordered list of migrations (the same design as the SQLite store's, and the same
/// tables: <see cref="SharedMigrations"/>, in PostgreSQL's types):
/// version N is the state after the N-th script, kept in <c>schema_version</c>; start-up applies the
/// scripts a database lacks. Scripts are only ever appended. Names and ids use the <c>"C"</c>
/// collation so that lists and cursors order by bytes, as in SQLite, whatever the database's locale.
/// </summary>
internal static class PostgresMigrations
{
    private static readonly SqlColumnTypes Types = new(Key: "text COLLATE \"C\"", Text: "text", Int32: "integer", Int64: "bigint", Boolean: "boolean", Bytes: "bytea");

    public static readonly IReadOnlyList<string> Scripts =
    [
        // 1: apps, fns and triggers.
        string.Join('\n', SharedMigrations.Apps(Types), SharedMigrations.Fns(Types, uniqueIdApp: true), SharedMigrations.Triggers(Types)),

        // 2: calls, the payloads of queued detached calls, and call logs.
        SharedMigrations.Calls(Types),

        // 3: API keys and the audit log.
        SharedMigrations.KeysAndAudit(Types),

        // 4: the digest of the image a call ran.
        SharedMigrations.CallImageDigest(Types),

        // 5: node membership.
        SharedMigrations.Nodes(Types),

        // 6: every committed change of apps, fns and triggers notifies the channel fnsharp_changes (payload:
        // the table's name), so that every node drops its cached lookups at once (PostgresChangeFeed).
        // Per statement, and PostgreSQL folds equal notifications of one transaction into one.
        """
        CREATE FUNCTION fnsharp_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('fnsharp_changes', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER apps_changed AFTER INSERT OR UPDATE OR DELETE ON apps FOR EACH STATEMENT EXECUTE FUNCTION fnsharp_notify_change();
        CREATE TRIGGER fns_changed AFTER INSERT OR UPDATE OR DELETE ON fns FOR EACH STATEMENT EXECUTE FUNCTION fnsharp_notify_change();
        CREATE TRIGGER triggers_changed AFTER INSERT OR UPDATE OR DELETE ON triggers FOR EACH STATEMENT EXECUTE FUNCTION fnsharp_notify_change();
        """,

        // 7 (issue 20, triggers): cron and NATS triggers unique per fn, and each stored tick of a cron trigger.
        SharedMigrations.TriggerTicks("BIGINT"),

        // 8: how each call had its container (issue 17).
        SharedMigrations.CallStarts,
    ];
}
