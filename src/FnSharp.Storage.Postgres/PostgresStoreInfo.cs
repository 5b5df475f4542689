namespace FnSharp.Storage.Postgres;

/// <summary>
/// Placeholder of the PostgreSQL datastore, which the API issue delivers; until then FnSharp runs on
/// its embedded SQLite store only, and <c>FN_DB_URL=postgres://...</c> is refused at start-up.
/// </summary>
public static class PostgresStoreInfo
{
    /// <summary>The <c>FN_DB_URL</c> schemes this store will answer to.</summary>
    public static IReadOnlyList<string> Schemes { get; } = ["postgres", "postgresql"];
}
