namespace FnSharp.Server.Configuration;

/// <summary>
/// Binds <typeparamref name="TOptions"/> from the configuration through its rows of <see cref="Settings"/>,
/// and checks them at start-up (<c>ValidateOnStart</c>) with a message per bad key that names the key and the value.
/// </summary>
internal sealed class SettingsBinder<TOptions>(IConfiguration configuration, SettingGroup<TOptions> settings) : IConfigureOptions<TOptions>, IValidateOptions<TOptions>
    where TOptions : class, new()
{
    public void Configure(TOptions options) => settings.Bind(configuration, options);

    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        settings.Validate(configuration, options) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
