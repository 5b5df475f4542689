using FnSharp.Core.Models;

namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// Identifies a slot queue: a fn and the configuration its containers were made with (image,
/// memory, timeout, idle timeout, config). After an update, new calls go to a new queue, and the old queue's
/// containers idle out.
/// </summary>
internal static class SlotKey
{
    public static string Of(App app, Fn fn) =>
        string.Join(
            '\u001f',
            fn.Id,
            fn.Image,
            fn.Memory,
            fn.Timeout,
            fn.IdleTimeout,
            string.Join('\u001e', app.Config.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value)),
            string.Join('\u001e', fn.Config.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value)));
}
