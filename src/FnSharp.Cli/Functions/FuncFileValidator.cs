using FnSharp.Core.Errors;
using FnSharp.Core.Validation;

namespace FnSharp.Cli.Functions;

/// <summary>
/// Checks a func.yaml with the server's own rules (FnSharp.Core's <see cref="ModelValidator"/> and
/// <see cref="FnSharpAnnotations"/>), so that <c>deploy</c> refuses what the server would refuse before it
/// builds anything or changes anything on the server. The server's answer only says what is wrong; these
/// messages name the file, the field (<c>triggers[0].type</c>), its line and the values allowed.
/// </summary>
internal static class FuncFileValidator
{
    /// <exception cref="CliException">A field breaks one of the server's rules.</exception>
    public static void Validate(FuncFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        CheckAnnotations(file, "annotations", file.Annotations);
        var annotations = FuncFile.WithoutRemovals(file.Annotations);
        if (FnSharpAnnotations.AsyncRetriesOf(annotations) is null)
        {
            var field = $"annotations[{FnSharpAnnotations.AsyncRetries}]";
            throw file.Error(field, $"{field} {Shown(file, field, annotations[FnSharpAnnotations.AsyncRetries])} is not valid: use an integer from 0 to {FnSharpAnnotations.MaxAsyncRetries} (the retries of a detached call after a function failure)");
        }

        if (FnSharpAnnotations.PullAlwaysOf(annotations) is null)
        {
            var field = $"annotations[{FnSharpAnnotations.PullPolicy}]";
            throw file.Error(field, $"{field} {Shown(file, field, annotations[FnSharpAnnotations.PullPolicy])} is not valid: use {FnSharpAnnotations.PullIfNotPresent} (the default: pull only a missing image) or {FnSharpAnnotations.PullAlways} (pull before each start, for moving tags)");
        }

        CheckConfig(file);

        // The app is the server's to check, at deploy; any id stands for it here.
        var fn = new Fn { AppId = "app", Name = file.Name, Image = file.ImageName(null), Memory = file.Memory, Timeout = file.Timeout, IdleTimeout = file.IdleTimeout, Annotations = annotations };
        var fnError = ModelValidator.ValidateFn(fn);
        if (fnError == ApiErrors.MemoryOutOfRange)
        {
            throw file.Error("memory", $"memory {Text(file, "memory")} is out of range: use 0 to {Fn.MaxMemoryMiB} MiB (0 or none: the server's default, {Fn.DefaultMemoryMiB})");
        }

        if (fnError == ApiErrors.TimeoutOutOfRange)
        {
            throw file.Error("timeout", $"timeout {Text(file, "timeout")} is out of range: use 0 to {Fn.MaxTimeoutSeconds} seconds (0 or none: the server's default, {Fn.DefaultTimeoutSeconds})");
        }

        if (fnError == ApiErrors.IdleTimeoutOutOfRange)
        {
            throw file.Error("idle_timeout", $"idle_timeout {Text(file, "idle_timeout")} is out of range: use 0 to {Fn.MaxIdleTimeoutSeconds} seconds (0 or none: the server's default, {Fn.DefaultIdleTimeoutSeconds})");
        }

        if (fnError is not null)
        {
            throw file.Error("name", $"the fn is not valid: {fnError.Message}");
        }

        for (var i = 0; i < file.Triggers.Count; i++)
        {
            CheckTrigger(file, i);
        }
    }

    private static void CheckTrigger(FuncFile file, int index)
    {
        var wanted = file.Triggers[index];
        var at = $"triggers[{index.ToString(CultureInfo.InvariantCulture)}]";
        CheckAnnotations(file, at + ".annotations", wanted.Annotations);

        // Its app and fn are the server's to check, at deploy; any ids stand for them here.
        var trigger = new Trigger { AppId = "app", FnId = "fn", Name = wanted.Name, Type = wanted.Type, Source = wanted.Source, Annotations = FuncFile.WithoutRemovals(wanted.Annotations) };
        var error = ModelValidator.ValidateTrigger(trigger);
        if (error == ApiErrors.InvalidTriggerName)
        {
            throw file.Error(at + ".name", $"{at}.name '{wanted.Name}' is not valid: use 1 to 255 letters, digits, '_' or '-'");
        }

        if (error == ApiErrors.TriggerTypeUnknown)
        {
            throw file.Error(at + ".type", $"{at}.type '{wanted.Type}' is not supported: use {Trigger.HttpType}, {Trigger.CronType} or {Trigger.NatsType}");
        }

        if (error == ApiErrors.MissingTriggerSource)
        {
            throw file.Error(at + ".source", $"{at}.source is empty: use a path under /t/APP starting with '/', for example /{wanted.Name}");
        }

        if (error == ApiErrors.MissingTriggerSourcePrefix)
        {
            throw file.Error(at + ".source", $"{at}.source '{wanted.Source}' must start with '/', for example /{wanted.Source} (the path under /t/APP)");
        }

        if (error == ApiErrors.InvalidTriggerInvokeType)
        {
            var field = $"{at}.annotations[{FnSharpAnnotations.InvokeType}]";
            throw file.Error(field, $"{field} {Shown(file, field, wanted.Annotations[FnSharpAnnotations.InvokeType])} is not valid: use sync (the default) or detached");
        }

        if (error is not null)
        {
            throw file.Error(at, $"{at} is not valid: {error.Message}");
        }

        // The server refuses a second trigger of the app (of the fn, for cron) with the same type and source (409), after the fn is deployed.
        for (var other = 0; other < index; other++)
        {
            if (file.Triggers[other].Type == wanted.Type && file.Triggers[other].Source == wanted.Source)
            {
                var own = wanted.Type == Trigger.CronType ? "each cron trigger of a fn needs its own schedule" : "each trigger of an app needs its own";
                throw file.Error(at + ".source", $"{at}.source {wanted.Source} is also the source of triggers[{other.ToString(CultureInfo.InvariantCulture)}] ('{file.Triggers[other].Name}'): {own}");
            }
        }
    }

    /// <summary>
    /// Checks each config entry alone, so that the message has its line, then their size in all: what a
    /// container's environment cannot hold (<see cref="ModelValidator.ValidateConfig"/>) the server refuses.
    /// </summary>
    private static void CheckConfig(FuncFile file)
    {
        foreach (var (key, value) in file.Config)
        {
            if (ModelValidator.ValidateConfig(new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value }) is { } error)
            {
                throw file.Error($"config[{key}]", error.Message);
            }
        }

        if (ModelValidator.ValidateConfig(file.Config) is { } tooLarge)
        {
            throw file.Error("config", tooLarge.Message);
        }
    }

    /// <summary>Checks each annotation alone, so that the message names it, then their number.</summary>
    private static void CheckAnnotations(FuncFile file, string at, IReadOnlyDictionary<string, JsonElement> annotations)
    {
        foreach (var (key, value) in annotations)
        {
            if (FuncFile.RemovesKey(value))
            {
                continue;
            }

            var field = $"{at}[{key}]";
            var error = ModelValidator.ValidateAnnotations(new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [key] = value });
            if (error == ApiErrors.InvalidAnnotationKey)
            {
                throw file.Error(field, $"{at} key '{key}' is not valid: use printable ASCII without spaces");
            }

            if (error == ApiErrors.InvalidAnnotationKeyLength)
            {
                throw file.Error(field, $"{at} key '{key}' is too long: at most {ModelValidator.MaxAnnotationKeyBytes} bytes");
            }

            if (error == ApiErrors.InvalidAnnotationValue)
            {
                var hint = value.ValueKind is JsonValueKind.True or JsonValueKind.False ? $" (quote it, '{Shown(file, field, value)}', for text)" : "";
                throw file.Error(field, $"{field} {Shown(file, field, value)} is not valid: use a non-empty text, a number, a mapping or a list{hint}");
            }

            if (error == ApiErrors.InvalidAnnotationValueLength)
            {
                throw file.Error(field, $"{field} is too long: at most {ModelValidator.MaxAnnotationValueBytes} bytes as JSON");
            }

            if (error is not null)
            {
                throw file.Error(field, $"{field} is not valid: {error.Message}");
            }
        }

        if (ModelValidator.ValidateAnnotations(FuncFile.WithoutRemovals(annotations)) is not null)
        {
            throw file.Error(at, $"{at} has {annotations.Count.ToString(CultureInfo.InvariantCulture)} entries: at most {ModelValidator.MaxAnnotations}");
        }
    }

    /// <summary>The value as written in the file, else as JSON.</summary>
    private static string Shown(FuncFile file, string field, JsonElement value) =>
        file.Fields.TryGetValue(field, out var found) && found.Text is { } text ? text : value.GetRawText();

    private static string Text(FuncFile file, string field) => file.Fields.TryGetValue(field, out var found) ? found.Text ?? "" : "";
}
