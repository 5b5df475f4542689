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
        if (patch.Id.Length > 0 && patch.Id != current.Id)
        {
            throw new ApiException(ApiErrors.AppIdMismatch);
        }

        if (patch.Name.Length > 0 && patch.Name != current.Name)
        {
            throw new ApiException(ApiErrors.AppNameImmutable);
        }

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
            Shape = patch.Shape.Length > 0 ? patch.Shape : current.Shape,
        };
        Check(ModelValidator.ValidateApp(merged));
        return Changed(current.Config, merged.Config) || Changed(current.Annotations, merged.Annotations)
            || current.SyslogUrl != merged.SyslogUrl || current.Shape != merged.Shape
            ? merged with { UpdatedAt = now }
            : current;
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
        if (patch.Id.Length > 0 && patch.Id != current.Id)
        {
            throw new ApiException(ApiErrors.FnIdMismatch);
        }

        if (patch.AppId.Length > 0 && patch.AppId != current.AppId)
        {
            throw new ApiException(ApiErrors.FnAppIdImmutable);
        }

        var merged = current with
        {
            Name = patch.Name.Length > 0 ? patch.Name : current.Name,
            Image = patch.Image.Length > 0 ? patch.Image : current.Image,
            Memory = patch.Memory != 0 ? patch.Memory : current.Memory,
            Timeout = patch.Timeout != 0 ? patch.Timeout : current.Timeout,
            IdleTimeout = patch.IdleTimeout != 0 ? patch.IdleTimeout : current.IdleTimeout,
            Config = MergeConfig(current.Config, patch.Config),
            Annotations = MergeAnnotations(current.Annotations, patch.Annotations),
        };
        Check(ModelValidator.ValidateFn(merged));
        return Changed(current.Config, merged.Config) || Changed(current.Annotations, merged.Annotations)
            || current.Name != merged.Name || current.Image != merged.Image || current.Memory != merged.Memory
            || current.Timeout != merged.Timeout || current.IdleTimeout != merged.IdleTimeout
            ? merged with { UpdatedAt = now }
            : current;
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
        if (patch.Id.Length > 0 && patch.Id != current.Id)
        {
            throw new ApiException(ApiErrors.TriggerIdMismatch);
        }

        if ((patch.AppId.Length > 0 && patch.AppId != current.AppId)
            || (patch.FnId.Length > 0 && patch.FnId != current.FnId)
            || (patch.Type.Length > 0 && patch.Type != current.Type))
        {
            throw new ApiException(ApiErrors.TriggerImmutableField);
        }

        var merged = current with
        {
            Name = patch.Name.Length > 0 ? patch.Name : current.Name,
            Source = patch.Source.Length > 0 ? patch.Source : current.Source,
            Annotations = MergeAnnotations(current.Annotations, patch.Annotations),
        };
        Check(ModelValidator.ValidateTrigger(merged));
        return Changed(current.Annotations, merged.Annotations) || current.Name != merged.Name || current.Source != merged.Source
            ? merged with { UpdatedAt = now }
            : current;
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

    private static Dictionary<string, string> MergeConfig(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> patch)
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

        return merged;
    }

    private static Dictionary<string, JsonElement> MergeAnnotations(IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> patch)
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

        return merged;
    }

    private static bool Changed(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Count != after.Count || before.Any(e => !after.TryGetValue(e.Key, out var v) || v != e.Value);

    private static bool Changed(IReadOnlyDictionary<string, JsonElement> before, IReadOnlyDictionary<string, JsonElement> after) =>
        before.Count != after.Count || before.Any(e => !after.TryGetValue(e.Key, out var v) || !JsonElement.DeepEquals(v, e.Value));

    private static void Check(ApiError? error)
    {
        if (error is not null)
        {
            throw new ApiException(error);
        }
    }
}
