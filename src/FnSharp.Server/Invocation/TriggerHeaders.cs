using FnSharp.Agent.Protocol;

namespace FnSharp.Server.Invocation;

/// <summary>
/// The header rewriting of HTTP trigger calls (<c>/t/...</c>), as Fn's <c>runner_httptrigger.go</c>
/// does it (<c>fn-compat.md</c> section 3): on the way in, each client header <c>X</c> becomes
/// <c>Fn-Http-H-X</c> (but <c>Content-Type</c>), hop-by-hop headers are dropped, and
/// <c>Fn-Http-Method</c>, <c>Fn-Http-Request-Url</c> and <c>Fn-Intent: httprequest</c> are added; on
/// the way out, <c>Fn-Http-Status</c> sets the status and <c>Fn-Http-H-X</c> become <c>X</c>.
/// </summary>
internal static class TriggerHeaders
{
    /// <summary>The prefix that carries the client's (and the function's) own HTTP headers.</summary>
    public const string Prefix = "Fn-Http-H-";

    /// <summary>The header in which the FDK gives the status the client should see.</summary>
    public const string Status = "Fn-Http-Status";

    /// <summary>Rewrites the client's headers into the headers of the call to the container.</summary>
    /// <param name="headers">The client's request headers.</param>
    /// <param name="method">The client's method, sent as <c>Fn-Http-Method</c>.</param>
    /// <param name="requestUrl">The client's full URL, sent as <c>Fn-Http-Request-Url</c>.</param>
    public static List<KeyValuePair<string, string>> ToContainer(IEnumerable<KeyValuePair<string, string>> headers, string method, string requestUrl)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var rewritten = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            if (HopByHopHeaders.Contains(name))
            {
                continue;
            }

            rewritten.Add(name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                ? KeyValuePair.Create("Content-Type", value)
                : KeyValuePair.Create(Prefix + name, value));
        }

        rewritten.Add(KeyValuePair.Create("Fn-Http-Method", method));
        rewritten.Add(KeyValuePair.Create("Fn-Http-Request-Url", requestUrl));
        rewritten.Add(KeyValuePair.Create("Fn-Intent", "httprequest"));
        return rewritten;
    }

    /// <summary>
    /// Maps the container's answer to what the trigger's client sees: the status is
    /// <paramref name="platformStatus"/> when it is 400 or more, else the FDK's <c>Fn-Http-Status</c>
    /// when valid (200 to 999: a 1xx is interim, never an answer's final status, and sent as one it broke the
    /// client's parsing of the answer), else 200; the headers are the <c>Fn-Http-H-*</c> ones without their prefix, plus
    /// <c>Content-Type</c> and <c>Fn-Call-Id</c>. Every other header is dropped.
    /// </summary>
    /// <param name="platformStatus">The status FnSharp would answer on <c>/invoke</c>.</param>
    /// <param name="headers">The answer's headers (name, values).</param>
    public static (int Status, List<KeyValuePair<string, string[]>> Headers) FromContainer(int platformStatus, IEnumerable<KeyValuePair<string, string[]>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        int? fnStatus = null;
        var mapped = new List<KeyValuePair<string, string[]>>();
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                // Framing headers belong to FnSharp's own connection with the client.
                var own = name[Prefix.Length..];
                if (own.Length > 0 && !HopByHopHeaders.Contains(own) && !own.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    mapped.Add(KeyValuePair.Create(own, values));
                }
            }
            else if (name.Equals(Status, StringComparison.OrdinalIgnoreCase))
            {
                fnStatus = values.Length > 0 && int.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) && s is >= 200 and <= 999 ? s : null;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals(FnHeaders.CallId, StringComparison.OrdinalIgnoreCase))
            {
                mapped.Add(KeyValuePair.Create(name, values));
            }
        }

        var status = platformStatus >= 400 ? platformStatus : fnStatus ?? 200;
        return (status, mapped);
    }
}
