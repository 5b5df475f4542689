using FnSharp.Core.Storage.Sql;

namespace FnSharp.Storage.Sqlite;

/// <summary>
/// The schema, as an ordered list of migrations. Version N is the state after the N-th script; a
/// store records its version in <c>schema_version</c> and start-up applies the scripts it lacks, so
/// a file created by an older FnSharp upgrades in place. Scripts are only ever appended.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        // 1: apps and fns.
        """
        CREATE TABLE apps (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            config TEXT NOT NULL,
            annotations TEXT NOT NULL,
            syslog_url TEXT NULL,
            shape TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX apps_name ON apps (name);
        CREATE TABLE fns (
            id TEXT PRIMARY KEY,
            app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            image TEXT NOT NULL,
            memory INTEGER NOT NULL,
            timeout INTEGER NOT NULL,
            idle_timeout INTEGER NOT NULL,
            config TEXT NOT NULL,
            annotations TEXT NOT NULL,
            shape TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX fns_app_name ON fns (app_id, name);
        CREATE INDEX fns_name ON fns (name);
        """,

        // 2: triggers. A trigger references its app and (fn, app) pair, so deleting either removes it and
        // a trigger can never name a fn of another app; the unique indexes give Fn's two 409s.
        """
        CREATE UNIQUE INDEX fns_id_app ON fns (id, app_id);
        CREATE TABLE triggers (
            id TEXT PRIMARY KEY,
            app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            fn_id TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            source TEXT NOT NULL,
            annotations TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            FOREIGN KEY (fn_id, app_id) REFERENCES fns (id, app_id) ON DELETE CASCADE
        );
        CREATE UNIQUE INDEX triggers_app_fn_name ON triggers (app_id, fn_id, name);
        CREATE UNIQUE INDEX triggers_app_type_source ON triggers (app_id, type, source);
        CREATE INDEX triggers_fn_id ON triggers (fn_id);
        CREATE INDEX triggers_name ON triggers (name);
        """,

        // 3: calls, the payloads of queued detached calls, and call logs. No foreign key to fns: records
        // are written in batches after their calls, and a fn removed meanwhile must not fail the batch;
        // removing a fn or app deletes its calls in the same transaction instead.
        """
        CREATE TABLE calls (
            id TEXT PRIMARY KEY,
            app_id TEXT NOT NULL,
            fn_id TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            status_code INTEGER NULL,
            error TEXT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER NULL,
            completed_at INTEGER NULL,
            attempts INTEGER NOT NULL,
            container_id TEXT NULL,
            next_attempt_at INTEGER NULL,
            dead_letter INTEGER NOT NULL,
            lease_owner TEXT NULL,
            lease_until INTEGER NULL
        );
        CREATE INDEX calls_fn_id ON calls (fn_id, id);
        CREATE INDEX calls_app_id ON calls (app_id);
        CREATE INDEX calls_status_next_attempt ON calls (status, next_attempt_at);
        CREATE INDEX calls_status_lease ON calls (status, lease_until);
        CREATE INDEX calls_completed_at ON calls (completed_at);
        CREATE TABLE call_payloads (
            call_id TEXT PRIMARY KEY,
            headers TEXT NOT NULL,
            body BLOB NOT NULL
        );
        CREATE TABLE call_logs (
            call_id TEXT PRIMARY KEY,
            fn_id TEXT NOT NULL,
            log TEXT NOT NULL
        );
        CREATE INDEX call_logs_fn_id ON call_logs (fn_id);
        """,

        // 4: API keys (only a hash of each token) and the audit log of changes made through the API.
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NULL,
            revoked_at INTEGER NULL,
            token_hash BLOB NOT NULL
        );
        CREATE TABLE audit_log (
            id TEXT PRIMARY KEY,
            time INTEGER NOT NULL,
            key_id TEXT NULL,
            key_name TEXT NOT NULL,
            remote_addr TEXT NULL,
            action TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER NOT NULL,
            resource_id TEXT NULL,
            app_id TEXT NULL
        );
        CREATE INDEX audit_log_time ON audit_log (time);
        CREATE INDEX audit_log_key_id ON audit_log (key_id, id);
        CREATE INDEX audit_log_app_id ON audit_log (app_id, id);
        """,

        // 5: the digest of the image a call ran.
        """
        ALTER TABLE calls ADD COLUMN image_digest TEXT NULL;
        """,

        // 6: node membership, one row per node, written by its heartbeat (on SQLite, the one node).
        """
        CREATE TABLE nodes (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL,
            memory_total_mib INTEGER NOT NULL,
            memory_reserved_mib INTEGER NOT NULL,
            cpu_mcpus INTEGER NOT NULL,
            hot_containers INTEGER NOT NULL,
            running_calls INTEGER NOT NULL,
            waiting_calls INTEGER NOT NULL
        );
        """,

        // 7 (issue 20, triggers): cron and NATS triggers unique per fn, and each stored tick of a cron trigger.
        SharedMigrations.TriggerTicks("INTEGER"),

        // 8: how each call had its container (issue 17).
        SharedMigrations.CallStarts,
    ];
}
