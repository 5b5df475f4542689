using System.Buffers.Text;
using System.Text;
using FnSharp.Core.Errors;

namespace FnSharp.Server.Apis;

/// <summary>
/// List cursors, as Fn makes them: the URL-safe base64 of the last item's name; the next page
/// holds the names after it.
/// </summary>
internal static class Cursor
{
    /// <summary>400 for a cursor that is not one of ours (Fn answers 500 here).</summary>
    public static readonly ApiError Invalid = new(400, "invalid cursor");

    public static string Encode(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    /// <summary>Decodes a cursor to the name it stands for; <see langword="null"/> for no cursor.</summary>
    /// <exception cref="ApiException"><see cref="Invalid"/> when it is not valid base64url of UTF-8 text.</exception>
    public static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new ApiException(Invalid);
        }
        catch (ArgumentException)
        {
            throw new ApiException(Invalid);
        }
    }

    /// <summary>The page size asked for, defaulted and capped as Fn does (30, at most 100).</summary>
    public static int PerPage(int? perPage) => perPage is null or < 1 ? Core.Storage.ListFilter.DefaultPerPage : Math.Min(perPage.Value, Core.Storage.ListFilter.MaxPerPage);
}
