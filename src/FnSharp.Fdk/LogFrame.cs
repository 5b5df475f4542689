using Microsoft.AspNetCore.Http;

namespace FnSharp.Fdk;

/// <summary>
/// The log frame marker of Fn's FDKs: when the platform sets <c>FN_LOGFRAME_NAME</c> and
/// <c>FN_LOGFRAME_HDR</c>, each call starts by writing <c>\n&lt;name&gt;=&lt;value of that header&gt;\n</c>
/// to stdout and to stderr (as fdk-go's <c>logFrameHeader</c> does), so that the platform can split the
/// container's output per call. Nothing is written when either variable is unset or the header is absent.
/// </summary>
internal sealed class LogFrame
{
    private readonly string _name;
    private readonly string _header;

    internal LogFrame(string name, string header)
    {
        _name = name;
        _header = header;
    }

    /// <summary>The marker the environment asks for, or <see langword="null"/> when it asks for none.</summary>
    internal static LogFrame? FromEnvironment() =>
        Environment.GetEnvironmentVariable("FN_LOGFRAME_NAME") is { Length: > 0 } name
        && Environment.GetEnvironmentVariable("FN_LOGFRAME_HDR") is { Length: > 0 } header
            ? new LogFrame(name, header)
            : null;

    /// <summary>Writes the marker of the call with <paramref name="headers"/> to both writers.</summary>
    internal void Write(IHeaderDictionary headers, TextWriter stdout, TextWriter stderr)
    {
        var value = headers[_header].ToString();
        if (value.Length == 0)
        {
            return;
        }

        var marker = "\n" + _name + "=" + value + "\n";
        stderr.Write(marker);
        stderr.Flush();
        stdout.Write(marker);
        stdout.Flush();
    }
}
