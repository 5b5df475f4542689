using FnSharp.Server.Hosting;
using FnSharp.Storage.Sqlite;
using FnSharp.Testing;
using FnSharp.Testing.Builders;

namespace FnSharp.Server.Tests.Hosting;

/// <summary>The images the clean-up must keep: every fn's of the store, across apps and pages (a real SQLite file).</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ImageCleanupTests : IDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-cleanup-");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ImagesOfFnsAsync_MoreFnsThanAPageInTwoApps_EveryImageOnce()
    {
        var store = await SqliteDataStore.OpenAsync(Path.Combine(_directory, "fnsharp.db"), CancellationToken.None);
        var first = await store.InsertAppAsync(Models.App(), CancellationToken.None);
        var second = await store.InsertAppAsync(Models.App(), CancellationToken.None);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 130; i++)
        {
            var image = $"registry.example:5000/team/fn{i % 120}:1";
            expected.Add(image);
            await store.InsertFnAsync(Models.Fn(i % 2 == 0 ? first : second, image), CancellationToken.None);
        }

        var images = await ImageCleanup.ImagesOfFnsAsync(store, CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), images.Order(StringComparer.Ordinal));
    }
}
