using System.Globalization;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;

namespace FnSharp.Core.Validation;

/// <summary>
/// Checks apps and fns before they are stored, with Fn's rules and messages (<c>fn-compat.md</c>
/// section 1). Each method returns the first error found, or <see langword="null"/> when valid.
/// </summary>
public static class ModelValidator
{
    private const int MaxNameLength = 255;

    /// <summary>Checks an app to be created.</summary>
    public static ApiError? ValidateApp(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Name.Length == 0)
        {
            return ApiErrors.MissingName;
        }

        return IsValidAppName(app.Name) ? null : ApiErrors.InvalidAppName;
    }

    /// <summary>Checks a fn to be created or the result of an update, before defaults are applied.</summary>
    public static ApiError? ValidateFn(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (fn.AppId.Length == 0)
        {
            return ApiErrors.MissingAppId;
        }

        if (fn.Name.Length == 0)
        {
            return ApiErrors.MissingName;
        }

        if (fn.Name.Length > MaxNameLength || Uri.EscapeDataString(fn.Name) != fn.Name)
        {
            return ApiErrors.InvalidFnName;
        }

        if (fn.Image.Length == 0)
        {
            return ApiErrors.MissingImage;
        }

        if (fn.Memory is < 0 or > Fn.MaxMemoryMiB)
        {
            return ApiErrors.MemoryOutOfRange;
        }

        if (fn.Timeout is < 0 or > Fn.MaxTimeoutSeconds)
        {
            return ApiErrors.TimeoutOutOfRange;
        }

        return fn.IdleTimeout is < 0 or > Fn.MaxIdleTimeoutSeconds ? ApiErrors.IdleTimeoutOutOfRange : null;
    }

    /// <summary>Whether <paramref name="name"/> is 1..255 Unicode letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidAppName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            var category = char.GetUnicodeCategory(c);
            var letterOrDigit = char.IsLetterOrDigit(c) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!letterOrDigit && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }
}
