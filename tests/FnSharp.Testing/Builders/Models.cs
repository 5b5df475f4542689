using FnSharp.Core.Models;

namespace FnSharp.Testing.Builders;

/// <summary>Ready-made apps and fns for tests.</summary>
public static class Models
{
    private static int s_next;

    /// <summary>An app with a unique id and name.</summary>
    public static App App(string? name = null)
    {
        var n = Interlocked.Increment(ref s_next);
        return new App { Id = $"APP{n:D23}", Name = name ?? $"app{n}" };
    }

    /// <summary>A fn of <paramref name="app"/> with a unique id and name, and the defaults applied.</summary>
    public static Fn Fn(App app, string image = "fnsharp/test:latest", int timeoutSeconds = 30)
    {
        ArgumentNullException.ThrowIfNull(app);
        var n = Interlocked.Increment(ref s_next);
        return new Fn { Id = $"FN{n:D24}", AppId = app.Id, Name = $"fn{n}", Image = image, Timeout = timeoutSeconds }.WithDefaults();
    }
}
