using Microsoft.AspNetCore.Http;

namespace FnSharp.Fdk;

/// <summary>
/// The log frame marker of Fn's FDKs: when the platform sets <c>FN_LOGFRAME_NAME</c> and <c>FN_LOGFRAME_HDR</c>, a
/// call's output is preceded by <c>\n&lt;name&gt;=&lt;value of that header&gt;\n</c> on stdout and on stderr (as
/// fdk-go's <c>logFrameHeader</c> writes it), so that the platform can split the container's output per call.
/// </summary>
/// <remarks>
/// <para>
/// fdk-go writes the marker to both streams at the start of every call. This FDK writes it to a stream just before the
/// call's first text there, through <see cref="Console.Out"/> and <see cref="Console.Error"/>: a call that writes
/// nothing costs no marker. Each marker is two writes that the engine copies to the platform (with Docker, through the
/// container's shim and the engine's attach), which cost a fast fn about 0.2 ms of CPU per call, as much as the call
/// itself. A call starts by ending the line the call before it left unfinished, as fdk-go's marker does.
/// </para>
/// <para>
/// Text written around the console's writers (to <see cref="Console.OpenStandardOutput()"/>, by a child process that
/// inherits the streams, by native code) is not preceded by its call's marker and goes with the last call that wrote
/// through them: a function that writes so sets <c>FDK_LOG_FRAME_EVERY_CALL=true</c> in its config, and the FDK then
/// writes the marker at every call's start, as fdk-go does. So it does, on its own, on a stream whose console writer
/// the function replaced (<see cref="Console.SetOut(TextWriter)"/>). Nothing is marked for a call without the header.
/// </para>
/// <para>
/// The writers are installed before the function's code runs when it is published with NativeAOT (a module
/// initializer); run without it, at the FDK's first use, so that a writer taken from the console before then (a
/// console logger made before <see cref="Fdk.HandleAsync(Func{FnContext, string, Task{string}}, CancellationToken)"/>)
/// is not marked.
/// </para>
/// </remarks>
internal sealed class LogFrame
{
    /// <summary>The config key (an environment variable of the container) that asks for a marker at every call's start.</summary>
    internal const string EveryCallVariable = "FDK_LOG_FRAME_EVERY_CALL";

    private static readonly Lazy<LogFrame?> s_installed = new(InstallFromEnvironment);

    private readonly string _name;
    private readonly string _header;
    private readonly bool _everyCall;

    // The writers through which text reaches Out and Error: the console's synchronized wrappers once installed.
    private TextWriter _consoleOut;
    private TextWriter _consoleError;

    /// <summary>
    /// A marker named <paramref name="name"/> carrying the header <paramref name="header"/>, written through the given
    /// writers before a call's first text, or at every call's start when <paramref name="everyCall"/>.
    /// </summary>
    internal LogFrame(string name, string header, TextWriter stdout, TextWriter stderr, bool everyCall = false)
    {
        _name = name;
        _header = header;
        _everyCall = everyCall;
        Out = new LogFrameWriter(stdout);
        Error = new LogFrameWriter(stderr);
        _consoleOut = Out;
        _consoleError = Error;
    }

    /// <summary>The writer of stdout that marks its text.</summary>
    internal LogFrameWriter Out { get; }

    /// <summary>The writer of stderr that marks its text.</summary>
    internal LogFrameWriter Error { get; }

    /// <summary>
    /// The marker the environment asks for, installed once (see <see cref="InstallFromEnvironment"/>): by the FDK's
    /// module initializer, which NativeAOT runs before <c>Main</c>, so that a writer the function takes from the console
    /// (a console logger keeps the one it was made with) is already the marking one; or, run without NativeAOT, at the
    /// first use of the FDK.
    /// </summary>
    internal static LogFrame? Installed => s_installed.Value;

    /// <summary>
    /// The marker the environment asks for, writing through the console's writers, which it replaces (the console then
    /// synchronizes access to it); <see langword="null"/>, the console left as it is, when the environment asks for none.
    /// </summary>
    internal static LogFrame? InstallFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("FN_LOGFRAME_NAME") is not { Length: > 0 } name
            || Environment.GetEnvironmentVariable("FN_LOGFRAME_HDR") is not { Length: > 0 } header)
        {
            return null;
        }

        var everyCall = string.Equals(Environment.GetEnvironmentVariable(EveryCallVariable), "true", StringComparison.OrdinalIgnoreCase);
        var frame = new LogFrame(name, header, Console.Out, Console.Error, everyCall);
        Console.SetOut(frame.Out);
        Console.SetError(frame.Error);
        frame._consoleOut = Console.Out;
        frame._consoleError = Console.Error;
        return frame;
    }

    /// <summary>
    /// Starts the call with <paramref name="headers"/>: its marker precedes its first text on each stream; or is
    /// written at once to <paramref name="currentOut"/> and <paramref name="currentError"/> (the console's writers now)
    /// when every call is marked, or for a stream whose console writer the function replaced.
    /// </summary>
    internal void Begin(IHeaderDictionary headers, TextWriter currentOut, TextWriter currentError)
    {
        var value = headers[_header].ToString();
        var marker = value.Length == 0 ? null : "\n" + _name + "=" + value + "\n";
        Begin(Out, _consoleOut, currentOut, marker);
        Begin(Error, _consoleError, currentError, marker);
    }

    private void Begin(LogFrameWriter writer, TextWriter installed, TextWriter current, string? marker)
    {
        if (marker is not null && (_everyCall || !ReferenceEquals(current, installed)))
        {
            writer.Begin(null);
            current.Write(marker);
            current.Flush();
            return;
        }

        writer.Begin(marker);
    }
}
