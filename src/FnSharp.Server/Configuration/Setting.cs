namespace FnSharp.Server.Configuration;

/// <summary>
/// One row of <see cref="Settings"/>: a configuration key, the option it sets and how its text is read.
/// Every message about a bad value begins with <see cref="Key"/> and quotes the value.
/// </summary>
/// <typeparam name="TOptions">The options type the key belongs to.</typeparam>
/// <param name="key">The configuration key, for example <c>FN_PORT</c>.</param>
/// <param name="bind">Reads a text into the options; returns why it is bad (and then sets nothing).</param>
/// <param name="check">Checks the bound options as a whole (one value against another); returns why they are bad.</param>
internal sealed class Setting<TOptions>(string key, Func<TOptions, string, IReadOnlyList<string>> bind, Func<TOptions, string?>? check)
{
    /// <summary>The configuration key, for example <c>FN_PORT</c>.</summary>
    public string Key { get; } = key;

    /// <summary>Reads <paramref name="text"/> (not empty) into <paramref name="options"/>.</summary>
    /// <returns>The messages about a bad text, each naming the key; empty when it was read.</returns>
    public IEnumerable<string> Bind(TOptions options, string text) => bind(options, text).Select(problem => $"{Key} {problem}");

    /// <summary>Checks what depends on other settings, once every key is bound.</summary>
    /// <returns>The message naming the key and the bad value, or <see langword="null"/>.</returns>
    public string? Check(TOptions options) => check?.Invoke(options) is { } problem ? $"{Key} {problem}" : null;
}
