using System.Globalization;

namespace FnSharp.Agent.Calls;

/// <summary>Builds the environment of a fn's container (<c>fn-compat.md</c> section 4).</summary>
public static class ContainerEnvironment
{
    /// <summary>The listener address FDKs read from <c>FN_LISTENER</c>; the socket directory is bind-mounted at <c>/tmp/iofs</c>.</summary>
    public const string Listener = "unix:/tmp/iofs/lsnr.sock";

    /// <summary>
    /// The app's config merged with the fn's (the fn wins), then <c>FN_APP_ID</c>, <c>FN_FN_ID</c>,
    /// <c>FN_APP_NAME</c>, <c>FN_FN_NAME</c>, <c>FN_MEMORY</c> (MiB), <c>FN_TYPE=sync</c>,
    /// <c>FN_FORMAT=http-stream</c> and <c>FN_LISTENER</c>, which no config can override.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Build(App app, Fn fn)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fn);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in app.Config)
        {
            env[key] = value;
        }

        foreach (var (key, value) in fn.Config)
        {
            env[key] = value;
        }

        env["FN_APP_ID"] = app.Id;
        env["FN_FN_ID"] = fn.Id;
        env["FN_APP_NAME"] = app.Name;
        env["FN_FN_NAME"] = fn.Name;
        env["FN_MEMORY"] = fn.Memory.ToString(CultureInfo.InvariantCulture);
        env["FN_TYPE"] = "sync";
        env["FN_FORMAT"] = "http-stream";
        env["FN_LISTENER"] = Listener;
        return env;
    }
}
