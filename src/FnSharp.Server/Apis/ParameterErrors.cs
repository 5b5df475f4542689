using System.Globalization;
using System.Text.RegularExpressions;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Apis;

/// <summary>
/// The 400 of a query parameter whose text is not of its type, in one place for every route: for one that does not
/// bind to its handler's type (<c>limit=abc</c>), ASP.NET Core's message names the .NET type (<c>Failed to bind
/// parameter "Nullable&lt;int&gt; limit" from "abc".</c>); this one says what the parameter takes, in Fn's style:
/// <c>limit must be an integer, not 'abc'</c>. <c>per_page</c>, read as text to take an integer of any size as Fn does
/// (<see cref="Cursor.PageSize"/>), has its own (<see cref="PerPage"/>).
/// </summary>
internal static partial class ParameterErrors
{
    // A value echoed back is cut here.
    private const int MaxEchoedChars = 64;

    /// <summary>
    /// The error for the framework's message of a parameter that did not bind, <see langword="null"/> for any
    /// other message. Parsed from the text, which is all the framework gives (a test holds it to the version in use).
    /// </summary>
    public static ApiError? Of(string message)
    {
        if (Binding().Match(message) is not { Success: true } match)
        {
            return null;
        }

        var type = match.Groups["type"].Value;
        var value = match.Groups["value"].Value;
        var underlying = type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..^1] : type;

        // An integer that is one, past its type's range (limit=99999999999 for an int), is told its range.
        var what = Integer().IsMatch(value) && IntegerRange(underlying) is { } range ? $"an integer from {range}" : What(underlying);
        return NotOfItsType(match.Groups["name"].Value, what, value);
    }

    /// <summary>
    /// The error of a <c>per_page</c> that is not an integer: <c>per_page must be an integer (items per page: 30 when
    /// absent or below 1, at most 100), not 'abc'</c>. Fn reads it as absent.
    /// </summary>
    public static ApiError PerPage(string value) =>
        NotOfItsType("per_page", $"an integer (items per page: {ListFilter.DefaultPerPage} when absent or below 1, at most {ListFilter.MaxPerPage})", value);

    /// <summary>A value as an error repeats it: cut after 64 characters (a query may be as long as the request line, a body longer).</summary>
    public static string Echo(string value) => value.Length <= MaxEchoedChars ? value : value[..MaxEchoedChars] + "...";

    /// <summary>
    /// The range of an integer type, as an error says it (<c>-2147483648 to 2147483647</c>); <see langword="null"/> for any
    /// other type. A nullable type counts as its underlying one.
    /// </summary>
    public static string? IntegerRange(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => Range(int.MinValue, int.MaxValue),
        var t when t == typeof(long) => Range(long.MinValue, long.MaxValue),
        var t when t == typeof(short) => Range(short.MinValue, short.MaxValue),
        var t when t == typeof(byte) => Range(0, byte.MaxValue),
        var t when t == typeof(sbyte) => Range(sbyte.MinValue, sbyte.MaxValue),
        var t when t == typeof(uint) => Range(0, uint.MaxValue),
        var t when t == typeof(ulong) => string.Create(CultureInfo.InvariantCulture, $"0 to {ulong.MaxValue}"),
        var t when t == typeof(ushort) => Range(0, ushort.MaxValue),
        _ => null,
    };

    private static ApiError NotOfItsType(string name, string what, string value) => new(400, $"{name} must be {what}, not '{Echo(value)}'");

    // The range of the integer type a binding message names by its C# keyword.
    private static string? IntegerRange(string keyword) => keyword switch
    {
        "int" => IntegerRange(typeof(int)),
        "long" => IntegerRange(typeof(long)),
        "short" => IntegerRange(typeof(short)),
        "byte" => IntegerRange(typeof(byte)),
        "sbyte" => IntegerRange(typeof(sbyte)),
        "uint" => IntegerRange(typeof(uint)),
        "ulong" => IntegerRange(typeof(ulong)),
        "ushort" => IntegerRange(typeof(ushort)),
        _ => null,
    };

    private static string Range(long min, long max) => string.Create(CultureInfo.InvariantCulture, $"{min} to {max}");

    private static string What(string underlying) => underlying switch
    {
        "int" or "long" or "short" or "byte" or "uint" or "ulong" or "ushort" or "sbyte" => "an integer",
        "double" or "float" or "decimal" => "a number",
        "bool" => "true or false",
        _ => "a valid value",
    };

    [GeneratedRegex("^[+-]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();

    // RequestDelegateFactory's message: Failed to bind parameter "{type} {name}" from "{value}".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Binding();
}
