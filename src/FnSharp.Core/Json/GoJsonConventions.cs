using System.Text.Json.Serialization.Metadata;

namespace FnSharp.Core.Json;

/// <summary>
/// The habits of Go's <c>encoding/json</c> that show in Fn's API bodies, applied to apps, fns and triggers as a
/// modifier of a <see cref="DefaultJsonTypeInfoResolver"/> (<see cref="Apply"/>): a property marked
/// <see cref="OmitWhenEmptyAttribute"/> is left out when empty (<c>omitempty</c>), and the keys of <c>config</c> and
/// <c>annotations</c> are written in the order of their UTF-8 bytes (Go sorts a map's keys), not in the order a merge
/// left them. When reading, a field sent as <c>null</c> (<c>"config": null</c>, <c>"memory": null</c>,
/// <c>"name": null</c>) reads as if it were left out: Go's decoder leaves a field of the fresh struct Fn's handlers
/// decode into at its zero value for a <c>null</c> (a map or pointer nil, a string <c>""</c>, a number 0, a time
/// unset), which Fn's create and merge (<c>App.Update</c>, <c>Fn.Update</c>, <c>Trigger.Update</c>) take as absent.
/// A fn's empty <c>config</c> is written <c>null</c>, as Fn's server writes the nil map its store gives back for it (its
/// field has no <c>omitempty</c>; the SQL store keeps an empty config as <c>""</c> and reads that as nil), except where
/// Fn made the map itself and writes <c>{}</c>: the answer to a create (<c>Fn.SetDefaults</c>) and to an update that
/// sent a config or found one (<c>Fn.Update</c>); those answers are marked by <see cref="WithConfigMade"/>.
/// </summary>
public static class GoJsonConventions
{
    /// <summary>Orders strings as Go compares them: by their UTF-8 bytes, that is by Unicode scalar value.</summary>
    public static IComparer<string> Utf8Order { get; } = Comparer<string>.Create(CompareUtf8);

    // The empty config of a fn that Fn's server writes as {} (WithConfigMade): told apart from any other empty one by
    // reference, and never stored (only an answer carries it).
    private static readonly IReadOnlyDictionary<string, string> MadeEmptyConfig = new Dictionary<string, string>();

    /// <summary>
    /// <paramref name="fn"/> with its config written <c>{}</c> when empty, not <c>null</c>: for the answer to a create, and
    /// to an update that sent a config (<see cref="SentConfig"/>) or found the fn with one, where Fn's server made the map.
    /// </summary>
    public static Fn WithConfigMade(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return fn.Config.Count == 0 ? fn with { Config = MadeEmptyConfig } : fn;
    }

    /// <summary>
    /// Whether the body read into <paramref name="patch"/> carried a <c>config</c> object, <c>{}</c> too (a Go map, not nil,
    /// in Fn): a config left out or <c>null</c> keeps the model's shared empty instance.
    /// </summary>
    public static bool SentConfig(Fn patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return !ReferenceEquals(patch.Config, App.EmptyConfig);
    }

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
            ReadNullAsAbsent(property);
            if (property.AttributeProvider?.IsDefined(typeof(OmitWhenEmptyAttribute), inherit: true) == true)
            {
                property.ShouldSerialize = static (_, value) => !IsEmpty(value);
            }

            if (property.Get is { } get && property.PropertyType == typeof(IReadOnlyDictionary<string, string>))
            {
                if (typeInfo.Type == typeof(Fn))
                {
                    property.IsGetNullable = true;
                    property.Get = owner => get(owner) is IReadOnlyDictionary<string, string> { Count: 0 } config && !ReferenceEquals(config, MadeEmptyConfig)
                        ? null
                        : Sorted((IReadOnlyDictionary<string, string>?)get(owner));
                }
                else
                {
                    property.Get = owner => Sorted((IReadOnlyDictionary<string, string>?)get(owner));
                }
            }
            else if (property.Get is { } getElements && property.PropertyType == typeof(IReadOnlyDictionary<string, JsonElement>))
            {
                property.Get = owner => Sorted((IReadOnlyDictionary<string, JsonElement>?)getElements(owner));
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="property"/> read a JSON <c>null</c> as if it were absent: a reference is not set (it keeps
    /// its initializer's value), a value type reads as its default (0, an unset time), which the API takes as absent.
    /// </summary>
    private static void ReadNullAsAbsent(JsonPropertyInfo property)
    {
        if (property.Set is not { } set)
        {
            return;
        }

        if (property.PropertyType.IsValueType)
        {
            // The value types of apps, fns and triggers; a new one is a bug found at the first body read.
            property.CustomConverter = property.PropertyType switch
            {
                var type when type == typeof(int) => new NullReadsAsDefault<int>((JsonConverter<int>?)property.CustomConverter ?? JsonMetadataServices.Int32Converter),
                var type when type == typeof(DateTimeOffset) => new NullReadsAsDefault<DateTimeOffset>((JsonConverter<DateTimeOffset>?)property.CustomConverter ?? JsonMetadataServices.DateTimeOffsetConverter),
                var type => throw new InvalidOperationException($"{property.DeclaringType.Name}.{property.Name} is of {type.Name}, which GoJsonConventions cannot read null into."),
            };
        }
        else
        {
            property.IsSetNullable = true;
            property.Set = (owner, value) =>
            {
                if (value is not null)
                {
                    set(owner, value);
                }
            };
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
