namespace FnSharp.Server.Triggers;

/// <summary>NATS subject matching between patterns, for choosing the JetStream stream of a nats trigger.</summary>
internal static class NatsSubjects
{
    /// <summary>
    /// Whether every subject <paramref name="subject"/> matches is also matched by <paramref name="pattern"/>
    /// (NATS wildcards: <c>*</c> one token, <c>&gt;</c> one or more trailing tokens). <c>orders.&gt;</c> covers
    /// <c>orders.*</c> and <c>orders.new</c>; <c>orders.new</c> does not cover <c>orders.*</c>.
    /// </summary>
    public static bool Covers(string pattern, string subject)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(subject);
        var p = pattern.Split('.');
        var t = subject.Split('.');
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] == ">")
            {
                return i < t.Length;
            }

            if (i >= t.Length || t[i] == ">" || (p[i] != "*" && (t[i] == "*" || p[i] != t[i])))
            {
                return false;
            }
        }

        return p.Length == t.Length;
    }
}
