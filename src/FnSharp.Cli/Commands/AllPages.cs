using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>Reads a whole list from the API, page after page, for the commands that print or compare every item.</summary>
internal static class AllPages
{
    /// <summary>Items asked for in one page: the API's largest page.</summary>
    public const int PageSize = 100;

    /// <summary>Reads pages with <paramref name="readPage"/> (given the cursor, <see langword="null"/> first) until one has no next cursor.</summary>
    /// <returns>Every item, in the API's order.</returns>
    public static async Task<List<T>> ReadAsync<T>(Func<string?, Task<ListPage<T>>> readPage)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var page = await readPage(cursor);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return items;
    }
}
