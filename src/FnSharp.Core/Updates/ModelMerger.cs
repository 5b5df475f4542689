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

    /// <summary>Config entries set to <c>""</c> are deleted.</summary>
    private static IReadOnlyDictionary<string, string> MergeConfig(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> patch) =>
        MergeEntries(current, patch, deletes: string.IsNullOrEmpty, copy: static value => value, same: string.Equals);

    /// <summary>Annotations set to <c>""</c> or <c>null</c> are deleted; the others are kept as copies, apart from the body they came in.</summary>
    private static IReadOnlyDictionary<string, JsonElement> MergeAnnotations(IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> patch) =>
        MergeEntries(
            current,
            patch,
            deletes: static value => value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0),
            copy: static value => value.Clone(),
            same: JsonElement.DeepEquals);

    /// <summary>
    /// <paramref name="current"/> with each entry of <paramref name="patch"/> set (a <paramref name="copy"/> of it), or
    /// removed where <paramref name="deletes"/> says; <paramref name="current"/> itself when no entry changed by
    /// <paramref name="same"/>, so that record equality says "unchanged" (see <see cref="Stamped"/>).
    /// </summary>
    private static IReadOnlyDictionary<string, T> MergeEntries<T>(
        IReadOnlyDictionary<string, T> current,
        IReadOnlyDictionary<string, T> patch,
        Func<T, bool> deletes,
        Func<T, T> copy,
        Func<T, T, bool> same)
    {
        var merged = new Dictionary<string, T>(current, StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (deletes(value))
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = copy(value);
            }
        }

        var changed = current.Count != merged.Count || current.Any(e => !merged.TryGetValue(e.Key, out var v) || !same(v, e.Value));
        return changed ? merged : current;
    }

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
