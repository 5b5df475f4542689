using System.Text.Json.Serialization.Metadata;

namespace FnSharp.Core.Json;

/// <summary>
/// The two habits of Go's <c>encoding/json</c> that show in Fn's API bodies, applied to apps, fns and triggers as a
/// modifier of a <see cref="DefaultJsonTypeInfoResolver"/> (<see cref="Apply"/>): a property marked
/// <see cref="OmitWhenEmptyAttribute"/> is left out when empty (<c>omitempty</c>), and the keys of <c>config</c> and
/// <c>annotations</c> are written in the order of their UTF-8 bytes (Go sorts a map's keys), not in the order a merge
/// left them. Reading is untouched.
/// </summary>
public static class GoJsonConventions
{
    /// <summary>Orders strings as Go compares them: by their UTF-8 bytes, that is by Unicode scalar value.</summary>
    public static IComparer<string> Utf8Order { get; } = Comparer<string>.Create(CompareUtf8);

    /// <summary>Applies the conventions to <paramref name="typeInfo"/> when it describes an app, fn or trigger (<see cref="Resource"/>).</summary>
    public static void Apply(JsonTypeInfo typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !typeInfo.Type.IsAssignableTo(typeof(Resource)))
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(OmitWhenEmptyAttribute), inherit: true) == true)
            {
                property.ShouldSerialize = static (_, value) => !IsEmpty(value);
            }

            if (property.Get is { } get && property.PropertyType == typeof(IReadOnlyDictionary<string, string>))
            {
                property.Get = owner => Sorted((IReadOnlyDictionary<string, string>?)get(owner));
            }
            else if (property.Get is { } getElements && property.PropertyType == typeof(IReadOnlyDictionary<string, JsonElement>))
            {
                property.Get = owner => Sorted((IReadOnlyDictionary<string, JsonElement>?)getElements(owner));
            }
        }
    }

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        IReadOnlyCollection<KeyValuePair<string, string>> entries => entries.Count == 0,
        IReadOnlyCollection<KeyValuePair<string, JsonElement>> entries => entries.Count == 0,
        _ => false,
    };

    private static IReadOnlyDictionary<string, T>? Sorted<T>(IReadOnlyDictionary<string, T>? map) =>
        map is null || map.Count < 2 ? map : new SortedDictionary<string, T>(map.ToDictionary(), Utf8Order);

    private static int CompareUtf8(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return left is null ? (right is null ? 0 : -1) : 1;
        }

        // Ordinal order is UTF-16's, which differs from UTF-8's only where a surrogate pair meets U+E000..U+FFFF.
        var a = left.EnumerateRunes();
        var b = right.EnumerateRunes();
        while (true)
        {
            var moreA = a.MoveNext();
            var moreB = b.MoveNext();
            if (!moreA || !moreB)
            {
                return moreA ? 1 : moreB ? -1 : 0;
            }

            var order = a.Current.Value.CompareTo(b.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
