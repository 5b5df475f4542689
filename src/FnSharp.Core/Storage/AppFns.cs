using FnSharp.Core.Models;

namespace FnSharp.Core.Storage;

/// <summary>Every fn of one app, read page by page (the destinations of an app's fns are checked against all of them).</summary>
public static class AppFns
{
    /// <summary>The fns of app <paramref name="appId"/>, by name, every page of <see cref="IDataStore.GetFnsAsync"/>.</summary>
    public static async Task<List<Fn>> ReadAsync(IDataStore store, string appId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var fns = new List<Fn>();
        var filter = new ListFilter { AppId = appId, PerPage = ListFilter.MaxPerPage };
        while (true)
        {
            var page = await store.GetFnsAsync(filter, cancellationToken);
            fns.AddRange(page.Items);
            if (!page.Full || page.Items.Count == 0)
            {
                return fns;
            }

            filter = filter with { AfterName = page.Items[^1].Name, AfterId = page.Items[^1].Id };
        }
    }
}
