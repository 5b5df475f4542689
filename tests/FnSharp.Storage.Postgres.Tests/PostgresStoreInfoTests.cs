using FnSharp.Testing;

namespace FnSharp.Storage.Postgres.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class PostgresStoreInfoTests
{
    // The PostgreSQL store comes with the API issue; until then this project holds only the schemes
    // FN_DB_URL will accept for it, and the conformance suite will move here.
    [Fact]
    public void Schemes_Always_PostgresAndPostgresql() =>
        Assert.Equal(["postgres", "postgresql"], PostgresStoreInfo.Schemes);
}
