namespace FnSharp.Cli.Commands;

/// <summary>
/// The options <c>create fn</c> and <c>update fn</c> share (<c>--memory</c>, <c>--timeout</c>,
/// <c>--idle-timeout</c>), and the fn fields they and the common <c>--config</c> and <c>--annotation</c> give.
/// </summary>
internal sealed class FnLimitOptions
{
    /// <param name="creating">Whether the help names the defaults a new fn gets when an option is left out.</param>
    public FnLimitOptions(bool creating)
    {
        string Default(int value) => creating ? "; default " + value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        Memory = new("--memory", "-m") { Description = $"Memory of each container, in MiB (1-{Fn.MaxMemoryMiB}{Default(Fn.DefaultMemoryMiB)})." };
        Timeout = new("--timeout") { Description = $"Longest a call may run, in seconds (1-{Fn.MaxTimeoutSeconds}{Default(Fn.DefaultTimeoutSeconds)})." };
        IdleTimeout = new("--idle-timeout") { Description = $"How long a hot container may idle before it stops, in seconds (1-{Fn.MaxIdleTimeoutSeconds}{Default(Fn.DefaultIdleTimeoutSeconds)})." };
    }

    public Option<int> Memory { get; }

    public Option<int> Timeout { get; }

    public Option<int> IdleTimeout { get; }

    /// <summary>The three limits, then <c>--config</c> and <c>--annotation</c>, in the order the help lists them.</summary>
    public Symbol[] With(CliOptions options) => [Memory, Timeout, IdleTimeout, options.Config, options.Annotation];

    /// <summary>A fn with only the fields these options give (0 and empty where left out); usage errors for a bad <c>KEY=VALUE</c>.</summary>
    public Fn Read(ParseResult parse, CliOptions options) => new()
    {
        Memory = parse.GetValue(Memory),
        Timeout = parse.GetValue(Timeout),
        IdleTimeout = parse.GetValue(IdleTimeout),
        Config = KeyValues.Parse(parse.GetValue(options.Config)),
        Annotations = Annotations.Parse(parse.GetValue(options.Annotation)),
    };
}
