using System.Data;
using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

/// <summary>
/// The datastore in portable SQL over ADO.NET, shared by the SQLite and PostgreSQL stores as Fn's
/// <c>datastore/sql</c> serves every database through one store and a per-dialect helper. A dialect
/// opens connections, says whether rows must be locked for update, gives the claim of queued calls its
/// locking clause, and classifies constraint errors;
/// its schema must have the tables and the unique indexes named here. Times are Unix milliseconds;
/// config and annotations are JSON text. Keys that no stored text can equal (<see cref="StoredText"/>)
/// are answered as "not found" without a query, since PostgreSQL would refuse them. Parameterized SQL only (<c>@name</c> parameters, which both
/// Microsoft.Data.Sqlite and Npgsql accept). Calls, their payloads and logs (<see cref="ICallStore"/>) are in
/// <c>SqlDataStore.Calls.cs</c>.
/// </summary>
public abstract partial class SqlDataStore : IDataStore, ICallStore
{
    /// <summary>The unique index on <c>apps (name)</c>.</summary>
    public const string AppsNameIndex = "apps_name";

    /// <summary>The unique index on <c>fns (app_id, name)</c>.</summary>
    public const string FnsAppNameIndex = "fns_app_name";

    /// <summary>The unique index on <c>triggers (app_id, fn_id, name)</c>.</summary>
    public const string TriggersAppFnNameIndex = "triggers_app_fn_name";

    /// <summary>The unique index on <c>triggers (app_id, type, source)</c> of HTTP triggers.</summary>
    public const string TriggersAppTypeSourceIndex = "triggers_app_type_source";

    /// <summary>The unique index on <c>triggers (fn_id, type, source)</c> of cron and NATS triggers.</summary>
    public const string TriggersFnTypeSourceIndex = "triggers_fn_type_source";

    private const string AppColumns = "id, name, config, annotations, syslog_url, shape, created_at, updated_at";
    private const string FnColumns = "id, app_id, name, image, memory, timeout, idle_timeout, config, annotations, shape, created_at, updated_at";
    private const string TriggerColumns = "id, app_id, fn_id, name, type, source, annotations, created_at, updated_at";
    private const string AfterClause = "(@after IS NULL OR name > @after OR (name = @after AND @after_id IS NOT NULL AND id > @after_id))";

    private const string ForUpdate = " FOR UPDATE";

    private static readonly ResourceTable<App> Apps = new("apps", AppColumns, ReadApp, AddAppParameters, ApiErrors.AppNotFound);
    private static readonly ResourceTable<Fn> Fns = new("fns", FnColumns, ReadFn, AddFnParameters, ApiErrors.FnNotFound);
    private static readonly ResourceTable<Trigger> Triggers = new("triggers", TriggerColumns, ReadTrigger, AddTriggerParameters, ApiErrors.TriggerNotFound);

    /// <summary>Opens a connection to the database, with foreign keys enforced.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether reads inside an update transaction need <c>FOR UPDATE</c> (PostgreSQL); SQLite's write
    /// transactions (<c>BEGIN IMMEDIATE</c>) already exclude other writers.
    /// </summary>
    protected abstract bool LocksRowsForUpdate { get; }

    /// <summary>Says which constraint <paramref name="exception"/> reports, or <see langword="null"/> when it is no constraint error.</summary>
    protected abstract ConstraintViolation? Classify(DbException exception);

    /// <inheritdoc/>
    public async Task<App> InsertAppAsync(App app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await InsertAsync(Apps, app, static _ => ApiErrors.AppAlreadyExists, cancellationToken);
        return app;
    }

    /// <inheritdoc/>
    public Task<App?> GetAppByIdAsync(string appId, CancellationToken cancellationToken) => GetByIdAsync(Apps, appId, cancellationToken);

    /// <inheritdoc/>
    public Task<App?> GetAppByNameAsync(string name, CancellationToken cancellationToken) =>
        QueryOneAsync($"SELECT {AppColumns} FROM apps WHERE name = @name", [("@name", name)], ReadApp, cancellationToken);

    /// <inheritdoc/>
    public Task<Page<App>> GetAppsAsync(ListFilter filter, CancellationToken cancellationToken) => ListAsync(Apps, filter, "", cancellationToken);

    /// <inheritdoc/>
    public async Task<App> UpdateAppAsync(string appId, Func<App, App> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await UpdateAsync(
            Apps,
            appId,
            current => update(current) with { Id = current.Id, Name = current.Name, CreatedAt = current.CreatedAt },
            "UPDATE apps SET config = @config, annotations = @annotations, syslog_url = @syslog_url, shape = @shape, updated_at = @updated_at WHERE id = @id",
            static _ => ApiErrors.AppAlreadyExists,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> RemoveAppAsync(string appId, CancellationToken cancellationToken) =>
        RemoveWithCallsAsync("DELETE FROM apps WHERE id = @id", LockAppCalls, DeleteAppCalls, appId, cancellationToken);

    /// <inheritdoc/>
    public async Task<Fn> InsertFnAsync(Fn fn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (!StoredText.IsStorable(fn.AppId))
        {
            throw new ApiException(ApiErrors.AppNotFound);
        }

        await InsertAsync(Fns, fn, static v => v.Kind == ConstraintKind.ForeignKey ? ApiErrors.AppNotFound : ApiErrors.FnAlreadyExists, cancellationToken);
        return fn;
    }

    /// <inheritdoc/>
    public Task<Fn?> GetFnAsync(string fnId, CancellationToken cancellationToken) => GetByIdAsync(Fns, fnId, cancellationToken);

    /// <inheritdoc/>
    public Task<Page<Fn>> GetFnsAsync(ListFilter filter, CancellationToken cancellationToken) =>
        ListAsync(Fns, filter, " AND (@app_id IS NULL OR app_id = @app_id)", cancellationToken);

    /// <inheritdoc/>
    public async Task<Fn> UpdateFnAsync(string fnId, Func<Fn, Fn> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await UpdateAsync(
            Fns,
            fnId,
            current => update(current) with { Id = current.Id, AppId = current.AppId, Shape = current.Shape, CreatedAt = current.CreatedAt },
            """
            UPDATE fns SET name = @name, image = @image, memory = @memory, timeout = @timeout, idle_timeout = @idle_timeout,
                config = @config, annotations = @annotations, updated_at = @updated_at
            WHERE id = @id
            """,
            static _ => ApiErrors.FnAlreadyExists,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> RemoveFnAsync(string fnId, CancellationToken cancellationToken) =>
        RemoveWithCallsAsync("DELETE FROM fns WHERE id = @id", LockFnCalls, DeleteFnCalls, fnId, cancellationToken);

    /// <inheritdoc/>
    public async Task<Trigger> InsertTriggerAsync(Trigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (!StoredText.IsStorable(trigger.AppId))
        {
            throw new ApiException(ApiErrors.AppNotFound);
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The checks give Fn's messages; the foreign keys and unique indexes keep the rows right
        // whatever runs between them.
        await using (var app = Command(connection, transaction, "SELECT 1 FROM apps WHERE id = @id"))
        {
            AddString(app, "@id", trigger.AppId);
            if (await app.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new ApiException(ApiErrors.AppNotFound);
            }
        }

        if (!StoredText.IsStorable(trigger.FnId))
        {
            throw new ApiException(ApiErrors.FnNotFound);
        }

        await using (var fn = Command(connection, transaction, "SELECT app_id FROM fns WHERE id = @id"))
        {
            AddString(fn, "@id", trigger.FnId);
            var owner = await fn.ExecuteScalarAsync(cancellationToken) as string ?? throw new ApiException(ApiErrors.FnNotFound);
            if (owner != trigger.AppId)
            {
                throw new ApiException(ApiErrors.TriggerFnNotInApp);
            }
        }

        await using var command = Command(connection, transaction, Triggers.Insert);
        AddTriggerParameters(command, trigger);
        await ExecuteWriteAsync(command, TriggerConflict, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return trigger;
    }

    /// <inheritdoc/>
    public Task<Trigger?> GetTriggerAsync(string triggerId, CancellationToken cancellationToken) => GetByIdAsync(Triggers, triggerId, cancellationToken);

    /// <inheritdoc/>
    public Task<Trigger?> GetTriggerBySourceAsync(string appId, string type, string source, CancellationToken cancellationToken) =>
        QueryOneAsync($"SELECT {TriggerColumns} FROM triggers WHERE app_id = @app_id AND type = @type AND source = @source", [("@app_id", appId), ("@type", type), ("@source", source)], ReadTrigger, cancellationToken);

    /// <inheritdoc/>
    public Task<Page<Trigger>> GetTriggersAsync(ListFilter filter, CancellationToken cancellationToken) =>
        ListAsync(Triggers, filter, " AND (@app_id IS NULL OR app_id = @app_id) AND (@fn_id IS NULL OR fn_id = @fn_id)", cancellationToken);

    /// <inheritdoc/>
    public async Task<Trigger> UpdateTriggerAsync(string triggerId, Func<Trigger, Trigger> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await UpdateAsync(
            Triggers,
            triggerId,
            current => update(current) with { Id = current.Id, AppId = current.AppId, FnId = current.FnId, Type = current.Type, CreatedAt = current.CreatedAt },
            "UPDATE triggers SET name = @name, source = @source, annotations = @annotations, updated_at = @updated_at WHERE id = @id",
            TriggerConflict,
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveTriggerAsync(string triggerId, CancellationToken cancellationToken) =>
        StoredText.IsStorable(triggerId)
        && await ExecuteAsync("DELETE FROM triggers WHERE id = @id", command => AddString(command, "@id", triggerId), cancellationToken) > 0;

    /// <summary>Adds a text parameter; <see langword="null"/> becomes SQL <c>NULL</c> of type text.</summary>
    protected static void AddString(DbCommand command, string name, string? value) => Add(command, name, DbType.String, value);

    /// <summary>Adds a 64-bit integer parameter.</summary>
    protected static void AddInt64(DbCommand command, string name, long value) => Add(command, name, DbType.Int64, value);

    private static ApiError TriggerConflict(ConstraintViolation violation) => violation switch
    {
        { Kind: ConstraintKind.ForeignKey } => ApiErrors.FnNotFound,
        { Index: TriggersAppTypeSourceIndex } => ApiErrors.TriggerSourceExists,
        { Index: TriggersFnTypeSourceIndex } => ApiErrors.TriggerSourceExistsOnFn,
        _ => ApiErrors.TriggerAlreadyExists,
    };

    /// <summary>
    /// Reads the row <paramref name="id"/> of <paramref name="table"/> (locked for update where the dialect needs
    /// it), writes <paramref name="update"/>'s result with <paramref name="updateSql"/> and returns it, in one
    /// transaction; the table's 404 when there is no such row, a constraint error as <paramref name="conflict"/> says.
    /// </summary>
    private async Task<T> UpdateAsync<T>(
        ResourceTable<T> table,
        string id,
        Func<T, T> update,
        string updateSql,
        Func<ConstraintViolation, ApiError> conflict,
        CancellationToken cancellationToken)
        where T : class
    {
        if (!StoredText.IsStorable(id))
        {
            throw new ApiException(table.NotFound);
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        T current;
        await using (var query = Command(connection, transaction, LocksRowsForUpdate ? table.SelectById + ForUpdate : table.SelectById))
        {
            AddString(query, "@id", id);
            current = await ReadOneAsync(query, table.Read, cancellationToken) ?? throw new ApiException(table.NotFound);
        }

        var updated = update(current);
        await using var command = Command(connection, transaction, updateSql);
        table.AddParameters(command, updated);
        await ExecuteWriteAsync(command, conflict, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>Inserts <paramref name="row"/> into <paramref name="table"/>, a constraint error as <paramref name="conflict"/> says.</summary>
    private async Task InsertAsync<T>(ResourceTable<T> table, T row, Func<ConstraintViolation, ApiError> conflict, CancellationToken cancellationToken) =>
        await ExecuteAsync(table.Insert, command => table.AddParameters(command, row), conflict, cancellationToken);

    private Task<T?> GetByIdAsync<T>(ResourceTable<T> table, string id, CancellationToken cancellationToken)
        where T : class =>
        QueryOneAsync(table.SelectById, [("@id", id)], table.Read, cancellationToken);

    /// <summary>
    /// One page of <paramref name="table"/> in Fn's order, by name and then id: the rows after the cursor's name
    /// and id, of the filter's name, and as <paramref name="filters"/> (<c>" AND ..."</c> on the filter's
    /// <c>@app_id</c> and <c>@fn_id</c>) says.
    /// </summary>
    private Task<Page<T>> ListAsync<T>(ResourceTable<T> table, ListFilter filter, string filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return QueryPageAsync(
            FilterKeys(filter),
            $"""
            SELECT {table.Columns} FROM {table.Name}
            WHERE {AfterClause} AND (@name IS NULL OR name = @name){filters}
            ORDER BY name, id LIMIT @limit
            """,
            filter.PerPage,
            command => AddFilterParameters(command, filter),
            table.Read,
            cancellationToken);
    }

    /// <summary>A command of <paramref name="connection"/> with the text <paramref name="sql"/>, in <paramref name="transaction"/> when there is one.</summary>
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Runs the statement <paramref name="sql"/> on a connection of its own with the parameters <paramref name="addParameters"/> adds; the rows it changed.</summary>
    private Task<int> ExecuteAsync(string sql, Action<DbCommand> addParameters, CancellationToken cancellationToken) =>
        ExecuteAsync(sql, addParameters, conflict: null, cancellationToken);

    /// <summary>As <see cref="ExecuteAsync(string, Action{DbCommand}, CancellationToken)"/>, a constraint error as <paramref name="conflict"/> says.</summary>
    private async Task<int> ExecuteAsync(string sql, Action<DbCommand> addParameters, Func<ConstraintViolation, ApiError>? conflict, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        addParameters(command);
        return conflict is null ? await command.ExecuteNonQueryAsync(cancellationToken) : await ExecuteWriteAsync(command, conflict, cancellationToken);
    }

    private async Task<int> ExecuteWriteAsync(DbCommand command, Func<ConstraintViolation, ApiError> conflict, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (Classify(e) is { } violation)
        {
            throw new ApiException(conflict(violation));
        }
    }

    /// <summary>
    /// Reads the one row <paramref name="sql"/> selects with the string <paramref name="parameters"/>, or
    /// <see langword="null"/> when there is none or a value cannot be stored (so no row holds it).
    /// </summary>
    private async Task<T?> QueryOneAsync<T>(string sql, (string Name, string Value)[] parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        foreach (var (_, value) in parameters)
        {
            if (!StoredText.IsStorable(value))
            {
                return null;
            }
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        foreach (var (name, value) in parameters)
        {
            AddString(command, name, value);
        }

        return await ReadOneAsync(command, read, cancellationToken);
    }

    /// <summary>Every row <paramref name="sql"/> selects (or a statement returns) with the parameters <paramref name="addParameters"/> adds, on a connection of its own.</summary>
    private async Task<List<T>> QueryAllAsync<T>(string sql, Action<DbCommand> addParameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        addParameters(command);
        return await ReadAllAsync(command, read, cancellationToken);
    }

    private static async Task<T?> ReadOneAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }

    /// <summary>
    /// Reads one page: the rows <paramref name="sql"/> selects with the parameters <paramref name="addParameters"/>
    /// adds and <c>@limit</c>, <paramref name="perPage"/> within 1..<see cref="ListFilter.MaxPerPage"/>; the page
    /// is full when it holds that many. A page of nothing, without a query, when one of <paramref name="keys"/>
    /// cannot be stored (so no row holds it).
    /// </summary>
    private async Task<Page<T>> QueryPageAsync<T>(
        string?[] keys,
        string sql,
        int perPage,
        Action<DbCommand> addParameters,
        Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        if (!keys.All(StoredText.IsStorable))
        {
            return new Page<T>([], false);
        }

        var limit = Math.Clamp(perPage, 1, ListFilter.MaxPerPage);
        var items = await QueryAllAsync(
            sql,
            command =>
            {
                addParameters(command);
                Add(command, "@limit", DbType.Int32, limit);
            },
            read,
            cancellationToken);
        return new Page<T>(items, items.Count == limit);
    }

    private static string?[] FilterKeys(ListFilter filter) => [filter.AfterName, filter.AfterId, filter.AppId, filter.FnId, filter.Name];

    private static void AddFilterParameters(DbCommand command, ListFilter filter)
    {
        AddString(command, "@after", filter.AfterName);
        AddString(command, "@after_id", filter.AfterName is null ? null : filter.AfterId);
        AddString(command, "@name", filter.Name);
        AddString(command, "@app_id", filter.AppId);
        AddString(command, "@fn_id", filter.FnId);
    }

    private static void AddAppParameters(DbCommand command, App app)
    {
        AddString(command, "@id", app.Id);
        AddString(command, "@name", app.Name);
        AddString(command, "@config", StoreJson.SerializeConfig(app.Config));
        AddString(command, "@annotations", StoreJson.SerializeAnnotations(app.Annotations));
        AddString(command, "@syslog_url", app.SyslogUrl);
        AddString(command, "@shape", app.Shape);
        AddInt64(command, "@created_at", app.CreatedAt.ToUnixTimeMilliseconds());
        AddInt64(command, "@updated_at", app.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static void AddFnParameters(DbCommand command, Fn fn)
    {
        AddString(command, "@id", fn.Id);
        AddString(command, "@app_id", fn.AppId);
        AddString(command, "@name", fn.Name);
        AddString(command, "@image", fn.Image);
        Add(command, "@memory", DbType.Int32, fn.Memory);
        Add(command, "@timeout", DbType.Int32, fn.Timeout);
        Add(command, "@idle_timeout", DbType.Int32, fn.IdleTimeout);
        AddString(command, "@config", StoreJson.SerializeConfig(fn.Config));
        AddString(command, "@annotations", StoreJson.SerializeAnnotations(fn.Annotations));
        AddString(command, "@shape", fn.Shape);
        AddInt64(command, "@created_at", fn.CreatedAt.ToUnixTimeMilliseconds());
        AddInt64(command, "@updated_at", fn.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static void AddTriggerParameters(DbCommand command, Trigger trigger)
    {
        AddString(command, "@id", trigger.Id);
        AddString(command, "@app_id", trigger.AppId);
        AddString(command, "@fn_id", trigger.FnId);
        AddString(command, "@name", trigger.Name);
        AddString(command, "@type", trigger.Type);
        AddString(command, "@source", trigger.Source);
        AddString(command, "@annotations", StoreJson.SerializeAnnotations(trigger.Annotations));
        AddInt64(command, "@created_at", trigger.CreatedAt.ToUnixTimeMilliseconds());
        AddInt64(command, "@updated_at", trigger.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static void Add(DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static App ReadApp(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Config = StoreJson.DeserializeConfig(reader.GetString(2)),
        Annotations = StoreJson.DeserializeAnnotations(reader.GetString(3)),
        SyslogUrl = reader.IsDBNull(4) ? null : reader.GetString(4),
        Shape = reader.GetString(5),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
    };

    private static Fn ReadFn(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        AppId = reader.GetString(1),
        Name = reader.GetString(2),
        Image = reader.GetString(3),
        Memory = reader.GetInt32(4),
        Timeout = reader.GetInt32(5),
        IdleTimeout = reader.GetInt32(6),
        Config = StoreJson.DeserializeConfig(reader.GetString(7)),
        Annotations = StoreJson.DeserializeAnnotations(reader.GetString(8)),
        Shape = reader.GetString(9),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
    };

    private static Trigger ReadTrigger(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        AppId = reader.GetString(1),
        FnId = reader.GetString(2),
        Name = reader.GetString(3),
        Type = reader.GetString(4),
        Source = reader.GetString(5),
        Annotations = StoreJson.DeserializeAnnotations(reader.GetString(6)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
    };
}
