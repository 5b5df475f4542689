namespace FnSharp.Core.Storage.Sql;

/// <summary>
/// The schema scripts the SQLite and PostgreSQL stores share, written once so that their tables cannot drift apart:
/// they differ only in the dialect's column types (<see cref="SqlColumnTypes"/>). Each store's list of migrations
/// holds them in its own order of versions (SQLite's triggers came a version after its fns; PostgreSQL's first
/// version made both); once a version is released its script never changes.
/// </summary>
public static class SharedMigrations
{
    /// <summary>Apps, unique by name.</summary>
    public static string Apps(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            CREATE TABLE apps (
                id {types.Key} PRIMARY KEY,
                name {types.Key} NOT NULL,
                config {types.Text} NOT NULL,
                annotations {types.Text} NOT NULL,
                syslog_url {types.Text} NULL,
                shape {types.Text} NOT NULL,
                created_at {types.Int64} NOT NULL,
                updated_at {types.Int64} NOT NULL
            );
            CREATE UNIQUE INDEX apps_name ON apps (name);
            """;
    }

    /// <summary>
    /// Fns, unique by app and name, removed with their app. Triggers reference a fn with its app, which needs
    /// <c>(id, app_id)</c> unique: as the constraint <c>fns_id_app</c> when <paramref name="uniqueIdApp"/> (PostgreSQL
    /// made fns and triggers in one version), else by an index the triggers' version adds (SQLite).
    /// </summary>
    public static string Fns(SqlColumnTypes types, bool uniqueIdApp)
    {
        ArgumentNullException.ThrowIfNull(types);
        var constraint = uniqueIdApp ? ",\n    CONSTRAINT fns_id_app UNIQUE (id, app_id)" : "";
        return $"""
            CREATE TABLE fns (
                id {types.Key} PRIMARY KEY,
                app_id {types.Key} NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
                name {types.Key} NOT NULL,
                image {types.Text} NOT NULL,
                memory {types.Int32} NOT NULL,
                timeout {types.Int32} NOT NULL,
                idle_timeout {types.Int32} NOT NULL,
                config {types.Text} NOT NULL,
                annotations {types.Text} NOT NULL,
                shape {types.Text} NOT NULL,
                created_at {types.Int64} NOT NULL,
                updated_at {types.Int64} NOT NULL{constraint}
            );
            CREATE UNIQUE INDEX fns_app_name ON fns (app_id, name);
            CREATE INDEX fns_name ON fns (name);
            """;
    }

    /// <summary>
    /// Triggers. A trigger references its app and its (fn, app) pair, so deleting either removes it and a trigger can
    /// never name a fn of another app; the unique indexes give Fn's two 409s (a name taken in the fn, a source taken in
    /// the app; <see cref="TriggerTicks"/> narrows the second to HTTP triggers).
    /// </summary>
    public static string Triggers(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            CREATE TABLE triggers (
                id {types.Key} PRIMARY KEY,
                app_id {types.Key} NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
                fn_id {types.Key} NOT NULL,
                name {types.Key} NOT NULL,
                type {types.Text} NOT NULL,
                source {types.Key} NOT NULL,
                annotations {types.Text} NOT NULL,
                created_at {types.Int64} NOT NULL,
                updated_at {types.Int64} NOT NULL,
                FOREIGN KEY (fn_id, app_id) REFERENCES fns (id, app_id) ON DELETE CASCADE
            );
            CREATE UNIQUE INDEX triggers_app_fn_name ON triggers (app_id, fn_id, name);
            CREATE UNIQUE INDEX triggers_app_type_source ON triggers (app_id, type, source);
            CREATE INDEX triggers_fn_id ON triggers (fn_id);
            CREATE INDEX triggers_name ON triggers (name);
            """;
    }

    /// <summary>
    /// Calls, the payloads of queued detached calls, and call logs. No foreign key to fns: records are written in
    /// batches after their calls, and a fn removed meanwhile must not fail the batch; removing a fn or app deletes its
    /// calls in the same transaction instead.
    /// </summary>
    public static string Calls(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            CREATE TABLE calls (
                id {types.Key} PRIMARY KEY,
                app_id {types.Key} NOT NULL,
                fn_id {types.Key} NOT NULL,
                type {types.Text} NOT NULL,
                status {types.Text} NOT NULL,
                status_code {types.Int32} NULL,
                error {types.Text} NULL,
                created_at {types.Int64} NOT NULL,
                started_at {types.Int64} NULL,
                completed_at {types.Int64} NULL,
                attempts {types.Int32} NOT NULL,
                container_id {types.Text} NULL,
                next_attempt_at {types.Int64} NULL,
                dead_letter {types.Boolean} NOT NULL,
                lease_owner {types.Text} NULL,
                lease_until {types.Int64} NULL
            );
            CREATE INDEX calls_fn_id ON calls (fn_id, id);
            CREATE INDEX calls_app_id ON calls (app_id);
            CREATE INDEX calls_status_next_attempt ON calls (status, next_attempt_at);
            CREATE INDEX calls_status_lease ON calls (status, lease_until);
            CREATE INDEX calls_completed_at ON calls (completed_at);
            CREATE TABLE call_payloads (
                call_id {types.Key} PRIMARY KEY,
                headers {types.Text} NOT NULL,
                body {types.Bytes} NOT NULL
            );
            CREATE TABLE call_logs (
                call_id {types.Key} PRIMARY KEY,
                fn_id {types.Key} NOT NULL,
                log {types.Text} NOT NULL
            );
            CREATE INDEX call_logs_fn_id ON call_logs (fn_id);
            """;
    }

    /// <summary>API keys (only a hash of each token) and the audit log of changes made through the API.</summary>
    public static string KeysAndAudit(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            CREATE TABLE api_keys (
                id {types.Key} PRIMARY KEY,
                name {types.Text} NOT NULL,
                scopes {types.Text} NOT NULL,
                created_at {types.Int64} NOT NULL,
                created_by {types.Text} NULL,
                revoked_at {types.Int64} NULL,
                token_hash {types.Bytes} NOT NULL
            );
            CREATE TABLE audit_log (
                id {types.Key} PRIMARY KEY,
                time {types.Int64} NOT NULL,
                key_id {types.Key} NULL,
                key_name {types.Text} NOT NULL,
                remote_addr {types.Text} NULL,
                action {types.Text} NOT NULL,
                path {types.Text} NOT NULL,
                status {types.Int32} NOT NULL,
                resource_id {types.Text} NULL,
                app_id {types.Key} NULL
            );
            CREATE INDEX audit_log_time ON audit_log (time);
            CREATE INDEX audit_log_key_id ON audit_log (key_id, id);
            CREATE INDEX audit_log_app_id ON audit_log (app_id, id);
            """;
    }

    /// <summary>The digest of the image a call ran.</summary>
    public static string CallImageDigest(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            ALTER TABLE calls ADD COLUMN image_digest {types.Text} NULL;
            """;
    }

    /// <summary>Node membership, one row per node, written by its heartbeat.</summary>
    public static string Nodes(SqlColumnTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return $"""
            CREATE TABLE nodes (
                name {types.Key} PRIMARY KEY,
                url {types.Text} NOT NULL,
                started_at {types.Int64} NOT NULL,
                heartbeat_at {types.Int64} NOT NULL,
                memory_total_mib {types.Int64} NOT NULL,
                memory_reserved_mib {types.Int64} NOT NULL,
                cpu_mcpus {types.Int64} NOT NULL,
                hot_containers {types.Int32} NOT NULL,
                running_calls {types.Int32} NOT NULL,
                waiting_calls {types.Int32} NOT NULL
            );
            """;
    }

    /// <summary>
    /// Version 7 of both (issue 20, triggers): cron and NATS triggers are unique per fn (type, source), HTTP triggers per
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
    /// Version 8 of both: how each call had its container (issue 17): its start kind, and the start's phases and the
    /// call's timeline as JSON objects of name to ms.
    /// </summary>
    public const string CallStarts = """
        ALTER TABLE calls ADD COLUMN start_kind TEXT NULL;
        ALTER TABLE calls ADD COLUMN start_phases TEXT NULL;
        ALTER TABLE calls ADD COLUMN timeline TEXT NULL;
        """;
}
