using FnSharp.Core.Storage.Sql;

namespace FnSharp.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as an ordered list of migrations (the same design as the SQLite store's):
/// version N is the state after the N-th script, kept in <c>schema_version</c>; start-up applies the
/// scripts a database lacks. Scripts are only ever appended. Names and ids use the <c>"C"</c>
/// collation so that lists and cursors order by bytes, as in SQLite, whatever the database's locale.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        // 1: apps, fns and triggers.
        """
        CREATE TABLE apps (
            id text COLLATE "C" PRIMARY KEY,
            name text COLLATE "C" NOT NULL,
            config text NOT NULL,
            annotations text NOT NULL,
            syslog_url text NULL,
            shape text NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE UNIQUE INDEX apps_name ON apps (name);
        CREATE TABLE fns (
            id text COLLATE "C" PRIMARY KEY,
            app_id text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            name text COLLATE "C" NOT NULL,
            image text NOT NULL,
            memory integer NOT NULL,
            timeout integer NOT NULL,
            idle_timeout integer NOT NULL,
            config text NOT NULL,
            annotations text NOT NULL,
            shape text NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            CONSTRAINT fns_id_app UNIQUE (id, app_id)
        );
        CREATE UNIQUE INDEX fns_app_name ON fns (app_id, name);
        CREATE INDEX fns_name ON fns (name);
        CREATE TABLE triggers (
            id text COLLATE "C" PRIMARY KEY,
            app_id text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            fn_id text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            type text NOT NULL,
            source text COLLATE "C" NOT NULL,
            annotations text NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            FOREIGN KEY (fn_id, app_id) REFERENCES fns (id, app_id) ON DELETE CASCADE
        );
        CREATE UNIQUE INDEX triggers_app_fn_name ON triggers (app_id, fn_id, name);
        CREATE UNIQUE INDEX triggers_app_type_source ON triggers (app_id, type, source);
        CREATE INDEX triggers_fn_id ON triggers (fn_id);
        CREATE INDEX triggers_name ON triggers (name);
        """,

        // 2: calls, the payloads of queued detached calls, and call logs. No foreign key to fns: records
        // are written in batches after their calls, and a fn removed meanwhile must not fail the batch;
        // removing a fn or app deletes its calls in the same transaction instead.
        """
        CREATE TABLE calls (
            id text COLLATE "C" PRIMARY KEY,
            app_id text COLLATE "C" NOT NULL,
            fn_id text COLLATE "C" NOT NULL,
            type text NOT NULL,
            status text NOT NULL,
            status_code integer NULL,
            error text NULL,
            created_at bigint NOT NULL,
            started_at bigint NULL,
            completed_at bigint NULL,
            attempts integer NOT NULL,
            container_id text NULL,
            next_attempt_at bigint NULL,
            dead_letter boolean NOT NULL,
            lease_owner text NULL,
            lease_until bigint NULL
        );
        CREATE INDEX calls_fn_id ON calls (fn_id, id);
        CREATE INDEX calls_app_id ON calls (app_id);
        CREATE INDEX calls_status_next_attempt ON calls (status, next_attempt_at);
        CREATE INDEX calls_status_lease ON calls (status, lease_until);
        CREATE INDEX calls_completed_at ON calls (completed_at);
        CREATE TABLE call_payloads (
            call_id text COLLATE "C" PRIMARY KEY,
            headers text NOT NULL,
            body bytea NOT NULL
        );
        CREATE TABLE call_logs (
            call_id text COLLATE "C" PRIMARY KEY,
            fn_id text COLLATE "C" NOT NULL,
            log text NOT NULL
        );
        CREATE INDEX call_logs_fn_id ON call_logs (fn_id);
        """,

        // 3: API keys (only a hash of each token) and the audit log of changes made through the API.
        """
        CREATE TABLE api_keys (
            id text COLLATE "C" PRIMARY KEY,
            name text NOT NULL,
            scopes text NOT NULL,
            created_at bigint NOT NULL,
            created_by text NULL,
            revoked_at bigint NULL,
            token_hash bytea NOT NULL
        );
        CREATE TABLE audit_log (
            id text COLLATE "C" PRIMARY KEY,
            time bigint NOT NULL,
            key_id text COLLATE "C" NULL,
            key_name text NOT NULL,
            remote_addr text NULL,
            action text NOT NULL,
            path text NOT NULL,
            status integer NOT NULL,
            resource_id text NULL,
            app_id text COLLATE "C" NULL
        );
        CREATE INDEX audit_log_time ON audit_log (time);
        CREATE INDEX audit_log_key_id ON audit_log (key_id, id);
        CREATE INDEX audit_log_app_id ON audit_log (app_id, id);
        """,

        // 4: the digest of the image a call ran.
        """
        ALTER TABLE calls ADD COLUMN image_digest text NULL;
        """,

        // 5: node membership, one row per node, written by its heartbeat.
        """
        CREATE TABLE nodes (
            name text COLLATE "C" PRIMARY KEY,
            url text NOT NULL,
            started_at bigint NOT NULL,
            heartbeat_at bigint NOT NULL,
            memory_total_mib bigint NOT NULL,
            memory_reserved_mib bigint NOT NULL,
            cpu_mcpus bigint NOT NULL,
            hot_containers integer NOT NULL,
            running_calls integer NOT NULL,
            waiting_calls integer NOT NULL
        );
        """,

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
