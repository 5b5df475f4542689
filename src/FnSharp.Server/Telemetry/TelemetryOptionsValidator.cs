using Microsoft.Extensions.Options;

namespace FnSharp.Server.Telemetry;

/// <summary>Fails start-up on a bad <c>FN_LOG_FORMAT</c> or <c>FN_LOG_LEVEL</c>, naming the setting and its value.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.Logs.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Logs.Failures);
}
