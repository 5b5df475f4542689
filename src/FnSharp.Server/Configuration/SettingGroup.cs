using System.Collections;
using System.Linq.Expressions;

namespace FnSharp.Server.Configuration;

/// <summary>
/// The settings of one options type, bound in their order (a later key may refine what an earlier one
/// set). Built by a collection initializer in <see cref="Settings"/>, one row per key:
/// <c>{ "FN_PORT", o =&gt; o.Port, SettingFormats.Int("a TCP port from 1 to 65535", v =&gt; v is &gt;= 1 and &lt;= 65535) }</c>.
/// A key that is unset or empty leaves the option's default.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class SettingGroup<TOptions> : IEnumerable<Setting<TOptions>>
    where TOptions : class, new()
{
    private readonly List<Setting<TOptions>> _settings = [];

    /// <summary>The keys of this group, in binding order.</summary>
    public IEnumerable<string> Keys => _settings.Select(s => s.Key);

    /// <summary>Adds a key that sets <paramref name="property"/> to the value <paramref name="format"/> reads.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="property">The option, a property (or a property's property) of <typeparamref name="TOptions"/>; init-only ones too.</param>
    /// <param name="format">How the text is read and which values are good.</param>
    /// <param name="check">A check of the bound options as a whole, for a rule between settings; its message follows the key.</param>
    public void Add<TValue>(string key, Expression<Func<TOptions, TValue>> property, SettingFormat<TValue> format, Func<TOptions, string?>? check = null)
    {
        var (_, set) = Compile(property);
        _settings.Add(new Setting<TOptions>(key, (options, text) => Bind(options, text, format, value => set(options, value)), check));
    }

    /// <summary>Adds a key whose value refines <paramref name="property"/>'s current value through <paramref name="update"/>.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="property">The option refined.</param>
    /// <param name="format">How the text is read and which values are good.</param>
    /// <param name="update">The option's new value from its current one and the value read.</param>
    /// <param name="check">A check of the bound options as a whole, for a rule between settings; its message follows the key.</param>
    public void Add<TProperty, TValue>(string key, Expression<Func<TOptions, TProperty>> property, SettingFormat<TValue> format, Func<TProperty, TValue, TProperty> update, Func<TOptions, string?>? check = null)
    {
        var (get, set) = Compile(property);
        _settings.Add(new Setting<TOptions>(key, (options, text) => Bind(options, text, format, value => set(options, update(get(options), value))), check));
    }

    /// <summary>Binds every key of <paramref name="configuration"/> that is set into <paramref name="options"/>; a bad text leaves the default.</summary>
    /// <returns>The messages about bad texts.</returns>
    public IReadOnlyList<string> Bind(IConfiguration configuration, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var setting in _settings)
        {
            if (configuration[setting.Key] is { Length: > 0 } text)
            {
                failures.AddRange(setting.Bind(options, text));
            }
        }

        return failures;
    }

    /// <summary>
    /// Why the settings are bad: each bad text of <paramref name="configuration"/>, then each rule between
    /// settings that <paramref name="options"/> (as bound) breaks. Empty when they are good.
    /// </summary>
    public IReadOnlyList<string> Validate(IConfiguration configuration, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Bind(configuration, new TOptions()).ToList();
        failures.AddRange(_settings.Select(s => s.Check(options)).OfType<string>());
        return failures;
    }

    /// <summary>New options bound from <paramref name="configuration"/> (for what is read while the host is built), with every failure.</summary>
    public (TOptions Options, IReadOnlyList<string> Failures) Read(IConfiguration configuration)
    {
        var options = new TOptions();
        Bind(configuration, options);
        return (options, Validate(configuration, options));
    }

    /// <inheritdoc/>
    public IEnumerator<Setting<TOptions>> GetEnumerator() => _settings.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static IReadOnlyList<string> Bind<TValue>(TOptions options, string text, SettingFormat<TValue> format, Action<TValue> set)
    {
        var read = format.Parse(text);
        if (read.Ok)
        {
            set(read.Value);
        }

        return read.Problems;
    }

    /// <summary>The getter and setter of a property expression such as <c>o =&gt; o.Hardening.User</c>.</summary>
    private static (Func<TOptions, TProperty> Get, Action<TOptions, TProperty> Set) Compile<TProperty>(Expression<Func<TOptions, TProperty>> property)
    {
        if (property.Body is not MemberExpression member)
        {
            throw new ArgumentException($"A setting names a property of {typeof(TOptions).Name}, not '{property.Body}'.", nameof(property));
        }

        // Assigned through the expression, as the configuration binder does, so that init-only options bind too.
        var value = Expression.Parameter(typeof(TProperty), "value");
        var set = Expression.Lambda<Action<TOptions, TProperty>>(Expression.Assign(member, value), property.Parameters[0], value).Compile();
        return (property.Compile(), set);
    }
}
