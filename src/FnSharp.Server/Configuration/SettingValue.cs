namespace FnSharp.Server.Configuration;

/// <summary>What a <see cref="SettingFormat{TValue}"/> made of a setting's text: a value, or why the text is bad.</summary>
/// <typeparam name="TValue">The option's type.</typeparam>
/// <param name="Value">The value read; meaningless when <see cref="Problems"/> is not empty.</param>
/// <param name="Problems">
/// Why the text is bad, each the end of a sentence that begins with the setting's name (<c>must be a
/// positive number of milliseconds, not 0.</c>); empty when the value is good.
/// </param>
internal readonly record struct SettingValue<TValue>(TValue Value, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the text made a good value.</summary>
    public bool Ok => Problems.Count == 0;

    /// <summary>A good value.</summary>
    public static SettingValue<TValue> Of(TValue value) => new(value, []);

    /// <summary>A bad text, and why.</summary>
    public static SettingValue<TValue> Bad(params IReadOnlyList<string> problems) => new(default!, problems);
}
