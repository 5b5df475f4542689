using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FnSharp.Core.Ids;

namespace FnSharp.Server.Apis;

/// <summary>
/// List cursors. Fn's cursor is the URL-safe base64 of the last item's name, and the next page holds
/// the names after it; FnSharp appends a NUL and the item's id, so that lists where a name repeats
/// (fns across apps, triggers across fns) page without gaps. Cursors are opaque to clients; one
/// without the id (Fn's form) is accepted too. A fn's calls, listed by id alone, page by the last id.
/// </summary>
internal static class Cursor
{
    private const char Separator = '\0';

    /// <summary>The cursor that resumes a list after <paramref name="name"/> and <paramref name="id"/>.</summary>
    public static string Encode(string name, string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name + Separator + id));

    /// <summary>The filter of a list request: position from the cursor, page size defaulted and capped as Fn does (30, at most 100).</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.InvalidCursor"/> when the cursor is not valid base64url of UTF-8 text; the error of
    /// <see cref="PageSize"/>.
    /// </exception>
    public static ListFilter Filter(string? cursor, string? perPage)
    {
        var size = PageSize(perPage);
        if (string.IsNullOrEmpty(cursor))
        {
            return new ListFilter { PerPage = size };
        }

        var text = Decode(cursor);
        var split = text.IndexOf(Separator, StringComparison.Ordinal);
        if (split >= 0 && text.IndexOf(Separator, split + 1) >= 0)
        {
            throw new ApiException(ApiErrors.InvalidCursor);
        }

        return split < 0
            ? new ListFilter { AfterName = text, PerPage = size }
            : new ListFilter { AfterName = text[..split], AfterId = text[(split + 1)..], PerPage = size };
    }

    /// <summary>
    /// The page size of a list request's <c>per_page</c>: 30 when absent, empty or below 1, at most 100, as Fn's
    /// <c>pageParams</c> takes it; an integer of any size counts (Fn's <c>strconv.Atoi</c> gives the largest int64 for a
    /// larger one, so <c>per_page=99999999999999999999</c> is 100 there too).
    /// </summary>
    /// <exception cref="ApiException">
    /// 400 <see cref="ParameterErrors.PerPage"/> for a value that is not an integer (<c>abc</c>, <c>1.5</c>, <c>1e3</c>),
    /// which Fn reads as absent.
    /// </exception>
    public static int PageSize(string? perPage)
    {
        if (string.IsNullOrEmpty(perPage))
        {
            return ListFilter.DefaultPerPage;
        }

        // Go's Atoi: an optional sign, then ASCII digits, nothing else.
        var digits = perPage[0] is '+' or '-' ? perPage.AsSpan(1) : perPage.AsSpan();
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ApiException(ParameterErrors.PerPage(perPage));
        }

        if (perPage[0] == '-' || digits.TrimStart('0').IsEmpty)
        {
            return ListFilter.DefaultPerPage;
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size < ListFilter.MaxPerPage
            ? (int)size
            : ListFilter.MaxPerPage;
    }

    /// <summary>The cursor of a list whose names are unique (nodes): the URL-safe base64 of the last item's name, Fn's form.</summary>
    public static string EncodeName(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    /// <summary>The cursor of a list ordered by id alone (calls, newest first): the URL-safe base64 of the last item's id.</summary>
    public static string EncodeId(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    /// <summary>
    /// <paramref name="filter"/> with the position, page size and time window of a request for a list newest first
    /// (<c>cursor</c>, <c>per_page</c>, <c>from_time</c> and <c>to_time</c>, RFC 3339 or Unix seconds).
    /// </summary>
    /// <exception cref="ApiException"><see cref="ApiErrors.InvalidCursor"/>, the error of <see cref="PageSize"/>, or <see cref="CallsApi.InvalidTime"/>.</exception>
    public static T NewestFirst<T>(T filter, string? cursor, string? perPage, string? fromTime, string? toTime)
        where T : NewestFirstFilter =>
        (T)(filter with
        {
            BeforeId = DecodeId(cursor),
            PerPage = PageSize(perPage),
            From = CallsApi.ParseTime("from_time", fromTime),
            To = CallsApi.ParseTime("to_time", toTime),
        });

    /// <summary>The cursor of the page after <paramref name="page"/> of a list by id (calls and audit entries newest first, keys oldest first): the last item's id, when the page is full.</summary>
    public static string? NextId<T>(Page<T> page, Func<T, string> idOf) => page.Full && page.Items.Count > 0 ? EncodeId(idOf(page.Items[^1])) : null;

    /// <summary>The id a cursor of <see cref="EncodeId"/> resumes after; <see langword="null"/> without a cursor.</summary>
    /// <exception cref="ApiException"><see cref="ApiErrors.InvalidCursor"/> when the cursor does not decode to an id.</exception>
    public static string? DecodeId(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        var id = Decode(cursor);
        return IdGenerator.IsValid(id) ? id : throw new ApiException(ApiErrors.InvalidCursor);
    }

    /// <summary>The <c>next_cursor</c> of a page: present only when the page is full.</summary>
    public static string? Next<T>(Page<T> page)
        where T : Resource =>
        page.Full && page.Items.Count > 0 ? Encode(page.Items[^1].Name, page.Items[^1].Id) : null;

    private static string Decode(string cursor)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new ApiException(ApiErrors.InvalidCursor);
        }
        catch (ArgumentException)
        {
            throw new ApiException(ApiErrors.InvalidCursor);
        }
    }
}
