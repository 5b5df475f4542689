using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Xunit;

namespace FnSharp.Testing.Storage;

/// <summary>
/// What every <see cref="IKeyStore"/> and <see cref="IAuditStore"/> must do: derive once per backend and
/// open a fresh, empty store in <see cref="OpenStoreAsync"/>. Times are fixed; nothing waits on a clock.
/// </summary>
public abstract class KeyStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The store under test, as the key store.</summary>
    protected IKeyStore Keys { get; private set; } = null!;

    /// <summary>The same store, as the audit log.</summary>
    protected IAuditStore Audit { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store that implements both interfaces.</summary>
    protected abstract Task<IDataStore> OpenStoreAsync();

    /// <summary>Closes the store and removes what it stored.</summary>
    protected abstract Task CloseStoreAsync();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var store = await OpenStoreAsync();
        Keys = (IKeyStore)store;
        Audit = (IAuditStore)store;
    }

    /// <inheritdoc/>
    public Task DisposeAsync() => CloseStoreAsync();

    [Fact]
    public async Task InsertKey_ThenGet_SameKeyAndHash()
    {
        var key = Key("01JKEY00000000000000000001", ["deploy:01JAPP", "invoke:01JOTHER"]) with { CreatedBy = "01JKEY00000000000000000000" };
        byte[] hash = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))];

        await Keys.InsertKeyAsync(key, hash, None);
        var stored = await Keys.GetKeyAsync(key.Id, None);

        Assert.NotNull(stored);
        Assert.Equal(key.Id, stored.Key.Id);
        Assert.Equal(key.Name, stored.Key.Name);
        Assert.Equal(key.Scopes, stored.Key.Scopes);
        Assert.Equal(key.CreatedAt, stored.Key.CreatedAt);
        Assert.Equal(key.CreatedBy, stored.Key.CreatedBy);
        Assert.Null(stored.Key.RevokedAt);
        Assert.Equal(hash, stored.TokenHash);
    }

    [Fact]
    public async Task GetKey_Missing_Null()
    {
        Assert.Null(await Keys.GetKeyAsync("01JNOKEY000000000000000000", None));
        Assert.Null(await Keys.GetKeyAsync("bad\0id", None));
    }

    [Fact]
    public async Task RevokeKey_SetsRevokedAtOnce_AndLeavesNoActiveKey()
    {
        var key = Key("01JKEY00000000000000000001", [KeyScopes.Admin]);
        await Keys.InsertKeyAsync(key, new byte[32], None);
        Assert.True(await Keys.HasActiveKeysAsync(None));

        var revoked = await Keys.RevokeKeyAsync(key.Id, Now.AddMinutes(1), None);
        var again = await Keys.RevokeKeyAsync(key.Id, Now.AddMinutes(2), None);

        Assert.Equal(Now.AddMinutes(1), revoked?.RevokedAt);
        Assert.Equal(Now.AddMinutes(1), again?.RevokedAt);
        Assert.Equal(Now.AddMinutes(1), (await Keys.GetKeyAsync(key.Id, None))?.Key.RevokedAt);
        Assert.False(await Keys.HasActiveKeysAsync(None));
        Assert.Null(await Keys.RevokeKeyAsync("01JNOKEY000000000000000000", Now, None));
    }

    [Fact]
    public async Task HasActiveKeys_Empty_False()
    {
        Assert.False(await Keys.HasActiveKeysAsync(None));
    }

    [Fact]
    public async Task GetKeys_PagesOldestFirst()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Keys.InsertKeyAsync(Key($"01JKEY0000000000000000000{i}", [KeyScopes.Admin]), new byte[32], None);
        }

        var first = await Keys.GetKeysAsync(null, 2, None);
        var second = await Keys.GetKeysAsync(first.Items[^1].Id, 2, None);
        var last = await Keys.GetKeysAsync(second.Items[^1].Id, 2, None);

        Assert.Equal(["01JKEY00000000000000000001", "01JKEY00000000000000000002"], first.Items.Select(k => k.Id));
        Assert.True(first.Full);
        Assert.Equal(["01JKEY00000000000000000003", "01JKEY00000000000000000004"], second.Items.Select(k => k.Id));
        Assert.Equal(["01JKEY00000000000000000005"], last.Items.Select(k => k.Id));
        Assert.False(last.Full);
    }

    [Fact]
    public async Task AuditEntries_NewestFirstWithFilters()
    {
        await Audit.InsertAuditEntryAsync(Entry("01JAUD00000000000000000001", Now, "k1", "app1"), None);
        await Audit.InsertAuditEntryAsync(Entry("01JAUD00000000000000000002", Now.AddSeconds(1), "k2", "app1"), None);
        await Audit.InsertAuditEntryAsync(Entry("01JAUD00000000000000000003", Now.AddSeconds(2), "k1", null), None);

        var all = await Audit.GetAuditEntriesAsync(new AuditFilter(), None);
        var byKey = await Audit.GetAuditEntriesAsync(new AuditFilter { KeyId = "k1" }, None);
        var byApp = await Audit.GetAuditEntriesAsync(new AuditFilter { AppId = "app1" }, None);
        var byTime = await Audit.GetAuditEntriesAsync(new AuditFilter { From = Now.AddSeconds(1), To = Now.AddSeconds(2) }, None);
        var page = await Audit.GetAuditEntriesAsync(new AuditFilter { BeforeId = "01JAUD00000000000000000003", PerPage = 1 }, None);

        Assert.Equal(["01JAUD00000000000000000003", "01JAUD00000000000000000002", "01JAUD00000000000000000001"], all.Items.Select(e => e.Id));
        Assert.Equal(Entry("01JAUD00000000000000000001", Now, "k1", "app1"), all.Items[^1]);
        Assert.Equal(["01JAUD00000000000000000003", "01JAUD00000000000000000001"], byKey.Items.Select(e => e.Id));
        Assert.Equal(["01JAUD00000000000000000002", "01JAUD00000000000000000001"], byApp.Items.Select(e => e.Id));
        Assert.Equal(["01JAUD00000000000000000002"], byTime.Items.Select(e => e.Id));
        Assert.Equal(["01JAUD00000000000000000002"], page.Items.Select(e => e.Id));
        Assert.True(page.Full);
    }

    [Fact]
    public async Task PruneAuditEntries_RemovesOlderOnly()
    {
        await Audit.InsertAuditEntryAsync(Entry("01JAUD00000000000000000001", Now.AddDays(-10), "k1", null), None);
        await Audit.InsertAuditEntryAsync(Entry("01JAUD00000000000000000002", Now, "k1", null), None);

        var removed = await Audit.PruneAuditEntriesAsync(Now.AddDays(-1), None);

        Assert.Equal(1, removed);
        Assert.Equal(["01JAUD00000000000000000002"], (await Audit.GetAuditEntriesAsync(new AuditFilter(), None)).Items.Select(e => e.Id));
    }

    private static ApiKey Key(string id, string[] scopes) => new() { Id = id, Name = "ci deploys ünï", Scopes = scopes, CreatedAt = Now };

    private static AuditEntry Entry(string id, DateTimeOffset time, string? keyId, string? appId) => new()
    {
        Id = id,
        Time = time,
        KeyId = keyId,
        KeyName = keyId ?? "anonymous",
        RemoteAddress = "127.0.0.1",
        Action = "PUT /v2/fns/{fnID}",
        Path = "/v2/fns/01JFN",
        Status = 200,
        ResourceId = "01JFN",
        AppId = appId,
    };
}
