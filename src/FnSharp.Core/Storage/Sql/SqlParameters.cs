namespace FnSharp.Core.Storage.Sql;

/// <summary>The parameter names of an insert, derived from its columns so that the two lists cannot drift apart.</summary>
internal static class SqlParameters
{
    /// <summary><c>@a, @b</c> for the columns <c>a, b</c>.</summary>
    public static string Of(string columns) =>
        string.Join(", ", columns.Split(',', StringSplitOptions.TrimEntries).Select(column => "@" + column));
}
