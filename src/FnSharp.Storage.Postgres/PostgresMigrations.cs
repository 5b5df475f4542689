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
    ];
}
