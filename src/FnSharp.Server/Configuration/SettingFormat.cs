namespace FnSharp.Server.Configuration;

/// <summary>
/// How the text of a setting becomes an option's value, and what a message says of a bad one
/// (<c>FN_PORT must be a TCP port from 1 to 65535, not 0.</c>). <see cref="SettingFormats"/> holds the
/// formats of <see cref="Settings"/>.
/// </summary>
/// <typeparam name="TValue">The option's type.</typeparam>
/// <param name="Parse">Reads a text that is not empty; its problems say what is wrong, after the setting's name.</param>
internal sealed record SettingFormat<TValue>(Func<string, SettingValue<TValue>> Parse);
