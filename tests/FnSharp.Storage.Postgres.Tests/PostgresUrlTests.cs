using FnSharp.Testing;
using Npgsql;

namespace FnSharp.Storage.Postgres.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class PostgresUrlTests
{
    [Fact]
    public void ConnectionStringFromUrl_Full_EveryPart()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDataStore.ConnectionStringFromUrl("postgres://fn%40user:p%3Ass@db.example.com:6543/fn%20db?sslmode=require"));

        Assert.Equal(("db.example.com", 6543, "fn db", "fn@user", "p:ss", SslMode.Require), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
    }

    [Fact]
    public void ConnectionStringFromUrl_NoPortNoPassword_Defaults()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDataStore.ConnectionStringFromUrl("postgresql://fn@localhost/fn"));

        Assert.Equal(("localhost", 5432, "fn", "fn", null), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
    }

    [Theory]
    [InlineData("postgres://localhost", "it names no database (the path after the host)")]
    [InlineData("mysql://u@h/db", "it is not a URL of the form postgres://user:password@host:port/database")]
    [InlineData("postgres://u:pg@secret@h:1/db", "its user or password holds an '@': percent-encode it as %40 (and ':' as %3A, '/' as %2F)")]
    [InlineData("postgres://u:p@h:notaport/db", "its port 'notaport' is not a number")]
    [InlineData("postgres://u@h/db?timeout=5", "the query parameter 'timeout' is not supported (only sslmode is)")]
    [InlineData("postgres://u@h/db?sslmode=sometimes", "sslmode 'sometimes' is not one of disable, allow, prefer, require, verify-ca, verify-full")]
    public void ConnectionStringFromUrl_Bad_FormatExceptionSaysWhy(string url, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => PostgresDataStore.ConnectionStringFromUrl(url)).Message);

    [Theory]
    [InlineData("postgres://u@h/db", true)]
    [InlineData("POSTGRESQL://u@h/db", true)]
    [InlineData("sqlite3:///tmp/x.db", false)]
    [InlineData("postgres://u:pg@secret@h:1/db", true)]
    public void IsPostgresUrl_Scheme_Decides(string url, bool expected) => Assert.Equal(expected, PostgresDataStore.IsPostgresUrl(url));
}
