using FnSharp.Core.Validation;

namespace FnSharp.Core.Updates;

/// <summary>
/// The merge rules of <c>PUT</c> (<c>fn-compat.md</c> section 2, Fn's <c>App.Update</c>,
/// <c>Fn.Update</c>, <c>Trigger.Update</c>): absent or empty fields keep their value; config entries
/// set to <c>""</c> are deleted; annotations set to <c>""</c> or <c>null</c> are deleted;
/// <c>syslog_url: ""</c> clears it. <c>updated_at</c> moves only when something changed. Each merge
/// validates its result and throws <see cref="ApiException"/> with the first error.
/// </summary>
public static class ModelMerger
{
    /// <summary>Merges <paramref name="patch"/> into <paramref name="current"/>.</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.AppIdMismatch"/> for another id, <see cref="ApiErrors.AppNameImmutable"/> for
    /// another name, or the validation error of the result.
    /// </exception>
    public static App MergeApp(App current, App patch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(patch);
        Refuse(Differs(patch.Id, current.Id), ApiErrors.AppIdMismatch);
        Refuse(Differs(patch.Name, current.Name), ApiErrors.AppNameImmutable);

        var merged = current with
        {
            Config = MergeConfig(current.Config, patch.Config),
            Annotations = MergeAnnotations(current.Annotations, patch.Annotations),
            SyslogUrl = patch.SyslogUrl switch
            {
                null => current.SyslogUrl,
                "" => null,
                var url => url,
            },
            Shape = Keep(patch.Shape, current.Shape),
        };
        Refuse(ModelValidator.ValidateApp(merged));
        return Stamped(current, merged, now);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="current"/>; a fn may be renamed but never moved to another app.</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.FnIdMismatch"/> for another id, <see cref="ApiErrors.FnAppIdImmutable"/> for
    /// another app, or the validation error of the result.
    /// </exception>
    public static Fn MergeFn(Fn current, Fn patch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(patch);
        Refuse(Differs(patch.Id, current.Id), ApiErrors.FnIdMismatch);
        Refuse(Differs(patch.AppId, current.AppId), ApiErrors.FnAppIdImmutable);
        var merged = current with
        {
            Name = Keep(patch.Name, current.Name),
            Image = Keep(patch.Image, current.Image),
            Memory = patch.Memory != 0 ? patch.Memory : current.Memory,
            Timeout = patch.Timeout != 0 ? patch.Timeout : current.Timeout,
            IdleTimeout = patch.IdleTimeout != 0 ? patch.IdleTimeout : current.IdleTimeout,
            Config = MergeConfig(current.Config, patch.Config),
            Annotations = MergeAnnotations(current.Annotations, patch.Annotations),
        };
        Refuse(ModelValidator.ValidateFn(merged));
        return Stamped(current, merged, now);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="current"/>; name, source and annotations may change.</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.TriggerIdMismatch"/> for another id, <see cref="ApiErrors.TriggerImmutableField"/>
    /// for another app, fn or type, or the validation error of the result.
    /// </exception>
    public static Trigger MergeTrigger(Trigger current, Trigger patch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(patch);
        Refuse(Differs(patch.Id, current.Id), ApiErrors.TriggerIdMismatch);
        Refuse(Differs(patch.AppId, current.AppId) || Differs(patch.FnId, current.FnId) || Differs(patch.Type, current.Type), ApiErrors.TriggerImmutableField);
        var merged = current with
        {
            Name = Keep(patch.Name, current.Name),
            Source = Keep(patch.Source, current.Source),
            Annotations = MergeAnnotations(current.Annotations, patch.Annotations),
        };
        Refuse(ModelValidator.ValidateTrigger(merged));
        return Stamped(current, merged, now);
    }

    /// <summary>
    /// The config of a create body as stored: a JSON <c>null</c> value becomes <c>""</c>, as Go's
    /// decoder makes it in Fn.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CleanConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Values.Any(v => v is null) ? config.ToDictionary(e => e.Key, e => e.Value ?? "", StringComparer.Ordinal) : config;
    }

    /// <summary>
    /// <paramref name="merged"/> with <c>updated_at</c> moved to <paramref name="now"/> when it differs from
    /// <paramref name="current"/>, else <paramref name="current"/> itself. Record equality compares config and
    /// annotations by reference, which says "changed" right because the merges keep a config or annotations
    /// whose content did not change as the current instance.
    /// </summary>
    private static T Stamped<T>(T current, T merged, DateTimeOffset now)
        where T : Resource =>
        merged != current ? (T)((Resource)merged with { UpdatedAt = now }) : current;

    private static IReadOnlyDictionary<string, string> MergeConfig(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> patch)
    {
        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (string.IsNullOrEmpty(value))
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return Changed(current, merged) ? merged : current;
    }

    private static IReadOnlyDictionary<string, JsonElement> MergeAnnotations(IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> patch)
    {
        var merged = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0))
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value.Clone();
            }
        }

        return Changed(current, merged) ? merged : current;
    }

    private static bool Changed(IReadOnlyDictionary<string, string> before, Dictionary<string, string> after) =>
        before.Count != after.Count || before.Any(e => !after.TryGetValue(e.Key, out var v) || v != e.Value);

    private static bool Changed(IReadOnlyDictionary<string, JsonElement> before, Dictionary<string, JsonElement> after) =>
        before.Count != after.Count || before.Any(e => !after.TryGetValue(e.Key, out var v) || !JsonElement.DeepEquals(v, e.Value));

    /// <summary>Whether a patch's field asks for another value: an empty field asks for none.</summary>
    private static bool Differs(string patch, string current) => patch.Length > 0 && patch != current;

    /// <summary>The patch's value of a text field, or the current one when the patch leaves it empty.</summary>
    private static string Keep(string patch, string current) => patch.Length > 0 ? patch : current;

    private static void Refuse(bool refused, ApiError error)
    {
        if (refused)
        {
            throw new ApiException(error);
        }
    }

    private static void Refuse(ApiError? error)
    {
        if (error is not null)
        {
            throw new ApiException(error);
        }
    }
}
