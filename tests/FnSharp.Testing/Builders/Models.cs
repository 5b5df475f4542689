using FnSharp.Core.Models;

namespace FnSharp.Testing.Builders;

/// <summary>Ready-made apps, fns and triggers for tests.</summary>
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

    /// <summary>An http trigger of <paramref name="fn"/> with a unique id, name and source.</summary>
    public static Trigger Trigger(Fn fn, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var n = Interlocked.Increment(ref s_next);
        return new Trigger { Id = $"TR{n:D24}", AppId = fn.AppId, FnId = fn.Id, Name = $"t{n}", Type = "http", Source = source ?? $"/t{n}" };
    }
}
