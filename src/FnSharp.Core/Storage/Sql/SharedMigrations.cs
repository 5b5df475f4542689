namespace FnSharp.Core.Storage.Sql;

/// <summary>
/// The migrations the SQLite and PostgreSQL stores share, whose scripts differ at most in a column type
/// (each store's list of scripts holds them at the same version).
/// </summary>
public static class SharedMigrations
{
    /// <summary>
    /// Version 7 (issue 20, triggers): cron and NATS triggers are unique per fn (type, source), HTTP triggers per
    /// app as before; <c>trigger_ticks</c> holds each stored tick of a cron trigger once (the primary key), so
    /// that a tick becomes one call whichever node sees it; a tick skipped for overlap has no call.
    /// </summary>
    /// <param name="millisecondsType">The store's 64-bit integer type, for the tick's Unix milliseconds: <c>INTEGER</c> in SQLite, <c>BIGINT</c> in PostgreSQL.</param>
    public static string TriggerTicks(string millisecondsType) => $"""
        DROP INDEX triggers_app_type_source;
        CREATE UNIQUE INDEX triggers_app_type_source ON triggers (app_id, type, source) WHERE type = 'http';
        CREATE UNIQUE INDEX triggers_fn_type_source ON triggers (fn_id, type, source) WHERE type <> 'http';
        CREATE INDEX triggers_type ON triggers (type);
        CREATE TABLE trigger_ticks (
            trigger_id TEXT NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
            tick_at {millisecondsType} NOT NULL,
            call_id TEXT NULL,
            PRIMARY KEY (trigger_id, tick_at)
        );
        """;

    /// <summary>
    /// Version 8: how each call had its container (issue 17): its start kind, and the start's phases and the
    /// call's timeline as JSON objects of name to ms.
    /// </summary>
    public const string CallStarts = """
        ALTER TABLE calls ADD COLUMN start_kind TEXT NULL;
        ALTER TABLE calls ADD COLUMN start_phases TEXT NULL;
        ALTER TABLE calls ADD COLUMN timeline TEXT NULL;
        """;
}
