using System.Text.Json;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;

namespace FnSharp.Core.Validation;

/// <summary>
/// The destinations of an app's fns (<c>docs/api.md</c>, "Destinations"): the fn annotations
/// <see cref="FnSharpAnnotations.OnSuccess"/> and <see cref="FnSharpAnnotations.OnFailure"/> each name
/// another fn of the same app, by its id or its name (an id is matched first, then a name), as Lambda's
/// destinations name a function. Each annotation is an edge from its fn to the fn it names; the graph of
/// an app's fns must have no cycle, or one detached call would call fns forever. Pure: the caller reads
/// the app's fns.
/// </summary>
public static class DestinationGraph
{
    /// <summary>
    /// 400 when a destination annotation in <paramref name="annotations"/> is present but not a non-empty
    /// string of plain text; checked with the fn's other fields, before the app's fns are read.
    /// </summary>
    public static ApiError? ValidateValues(IReadOnlyDictionary<string, JsonElement> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        foreach (var key in FnSharpAnnotations.Destinations)
        {
            var value = FnSharpAnnotations.StringOf(annotations, key, out var valid);
            if (!valid || (value is not null && (value.Length == 0 || !StoredText.IsStorable(value) || value.Any(char.IsControl))))
            {
                return ApiErrors.InvalidDestination(key);
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="fn"/> has a destination annotation.</summary>
    public static bool HasDestinations(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return FnSharpAnnotations.Destinations.Any(fn.Annotations.ContainsKey);
    }

    /// <summary>The value of destination annotation <paramref name="key"/> of <paramref name="fn"/>, <see langword="null"/> when absent or not a string.</summary>
    public static string? TargetOf(Fn fn, string key)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return FnSharpAnnotations.StringOf(fn.Annotations, key, out _);
    }

    /// <summary>The fn of <paramref name="appFns"/> that <paramref name="value"/> names: the fn with that id, else the fn with that name; <see langword="null"/> when none.</summary>
    public static Fn? Resolve(string value, IReadOnlyCollection<Fn> appFns)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(appFns);
        return appFns.FirstOrDefault(f => string.Equals(f.Id, value, StringComparison.Ordinal))
            ?? appFns.FirstOrDefault(f => string.Equals(f.Name, value, StringComparison.Ordinal));
    }

    /// <summary>
    /// A loop of destinations through <paramref name="start"/>: the fns from <paramref name="start"/> back to
    /// it, following both annotations (depth first, on-success first), with <paramref name="start"/> at both
    /// ends; <see langword="null"/> when no path leads back to it. <paramref name="appFns"/> are the app's fns,
    /// where <paramref name="start"/> stands for the fn of its id (its new version, before it is stored).
    /// </summary>
    /// <remarks>
    /// The stored graph has no loop (every change was checked), so a loop that a change makes passes through
    /// the changed fn: walking from it finds every new one, also one made by a rename that a dangling name
    /// now resolves to.
    /// </remarks>
    public static IReadOnlyList<Fn>? FindLoop(Fn start, IReadOnlyCollection<Fn> appFns)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(appFns);
        var fns = appFns.Where(f => !string.Equals(f.Id, start.Id, StringComparison.Ordinal)).Append(start).ToList();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<Fn> { start };
        return Walk(start) ? path : null;

        bool Walk(Fn from)
        {
            foreach (var key in FnSharpAnnotations.Destinations)
            {
                if (TargetOf(from, key) is not { } value || Resolve(value, fns) is not { } next)
                {
                    continue;
                }

                path.Add(next);
                if (string.Equals(next.Id, start.Id, StringComparison.Ordinal) || (visited.Add(next.Id) && Walk(next)))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }

            return false;
        }
    }

    /// <summary>
    /// Checks the destinations of <paramref name="fn"/> (to be created, or the result of an update) against
    /// the other fns of its app, <paramref name="appFns"/> (the stored version of <paramref name="fn"/> may be
    /// among them): 400 when one names no fn of the app, or makes a loop.
    /// </summary>
    public static ApiError? Validate(Fn fn, IReadOnlyCollection<Fn> appFns, string appName)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(appFns);
        var fns = appFns.Where(f => !string.Equals(f.Id, fn.Id, StringComparison.Ordinal)).Append(fn).ToList();
        foreach (var key in FnSharpAnnotations.Destinations)
        {
            if (TargetOf(fn, key) is { } value && Resolve(value, fns) is null)
            {
                return ApiErrors.DestinationNotFound(key, value, appName);
            }
        }

        if (FindLoop(fn, fns) is not { } loop)
        {
            return null;
        }

        // The annotation of the loop's first step names it.
        var first = FnSharpAnnotations.Destinations.First(key => TargetOf(fn, key) is { } value && ReferenceEquals(Resolve(value, fns), loop[1]));
        return ApiErrors.DestinationLoop(first, TargetOf(fn, first)!, loop.Select(f => f.Name));
    }
}
