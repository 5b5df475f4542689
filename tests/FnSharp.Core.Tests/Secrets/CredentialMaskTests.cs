using FnSharp.Core.Secrets;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Secrets;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CredentialMaskTests
{
    [Theory]
    // No credentials: as written.
    [InlineData("postgres://db:5432/fn", "postgres://db:5432/fn")]
    [InlineData("sqlite3:///data/fn.db", "sqlite3:///data/fn.db")]
    [InlineData("nats://127.0.0.1:4222,tls://nats.example.com", "nats://127.0.0.1:4222,tls://nats.example.com")]
    [InlineData("", "")]
    // A user alone may be a token (nats://TOKEN@host): hidden.
    [InlineData("nats://s3cr3t-token@10.0.0.5:4222", "nats://***@10.0.0.5:4222")]
    [InlineData("postgres://fn@db/fn", "postgres://***@db/fn")]
    // User and password: the user stays, the password is hidden, as written (escapes and all).
    [InlineData("postgres://fn:secret@db:5432/fn?sslmode=disable", "postgres://fn:***@db:5432/fn?sslmode=disable")]
    [InlineData("postgres://fn:s3cr%40t@db:5432/fn", "postgres://fn:***@db:5432/fn")]
    [InlineData("http://user:p{ss|w^rd@zipkin:9411/", "http://user:***@zipkin:9411/")]
    [InlineData("postgres://fn:@db/fn", "postgres://fn:***@db/fn")]
    // A password with an unescaped '@', '/', ':' or ',' is hidden whole.
    [InlineData("postgres://fn:p@ss@db/fn", "postgres://fn:***@db/fn")]
    [InlineData("postgres://fn:pa/ss@db/fn", "postgres://fn:***@db/fn")]
    [InlineData("postgres://fn:a:b@db/fn", "postgres://fn:***@db/fn")]
    [InlineData("postgres://fn:pa,ss@db/fn", "postgres://fn:***@db/fn")]
    // Lists: each URL's own credentials.
    [InlineData("tcp://a:b@logs1:514,tcp://c:d@logs2:514", "tcp://a:***@logs1:514,tcp://c:***@logs2:514")]
    [InlineData("nats://h1:4222, nats://u:p@h2:4222", "nats://h1:4222, nats://u:***@h2:4222")]
    // Not a URL: as written, but for a password pair.
    [InlineData("garbage", "garbage")]
    [InlineData("user@host", "user@host")]
    [InlineData("://", "://")]
    [InlineData("x://@", "x://***@")]
    [InlineData("a:9190,b:9190", "a:9190,b:9190")]
    // A user and password without a scheme, or a mistyped one, as a refused value's message shows it: the password hidden.
    [InlineData("natsU:s3cret@127.0.0.1:4222", "natsU:***@127.0.0.1:4222")]
    [InlineData("postgres:/fn:secret@db:5432/fn", "postgres:***@db:5432/fn")]
    [InlineData("fn:p@ss@db/fn", "fn:***@db/fn")]
    [InlineData("a:9190,u:secret@b:9190,http://v:p@c:9190", "a:9190,u:***@b:9190,http://v:***@c:9190")]
    [InlineData("nats://token@h1:4222,u:p@h2:4222", "nats://***@h2:4222")]
    // PostgreSQL key/value connection strings, Npgsql's and libpq's, and a URL's query.
    [InlineData("Host=db;Username=fn;Password=secret;Database=fn", "Host=db;Username=fn;Password=***;Database=fn")]
    [InlineData("host=db user=fn password='se cret' dbname=fn", "host=db user=fn password=*** dbname=fn")]
    [InlineData("Server=db;PWD = \"x;y\";SslPassword=key", "Server=db;PWD = ***;SslPassword=***")]
    [InlineData("postgres://db/fn?user=fn&password=secret&sslmode=disable", "postgres://db/fn?user=fn&password=***&sslmode=disable")]
    [InlineData("Host=db;NoPassword_here", "Host=db;NoPassword_here")]
    public void Hide_Value_CredentialsHiddenRestAsWritten(string text, string shown) =>
        Assert.Equal(shown, CredentialMask.Hide(text));
}
