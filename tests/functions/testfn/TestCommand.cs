using System.Text.Json;

namespace TestFn;

/// <summary>What one call asks the test function to do; every field is optional.</summary>
internal sealed record TestCommand
{
    /// <summary>Answer with the request body, headers and environment as JSON (<c>"echo": true</c>).</summary>
    public bool Echo { get; init; }

    /// <summary>Milliseconds to wait before answering (<c>"sleepMs"</c>).</summary>
    public int SleepMs { get; init; }

    /// <summary>The status of the answer (<c>"status"</c>, default 200).</summary>
    public int Status { get; init; } = 200;

    /// <summary>Headers of the answer (<c>"headers": {"Fn-Http-Status": "201"}</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, the handler throws with this message (<c>"throw"</c>): the FDK answers 502.</summary>
    public string? Throw { get; init; }

    /// <summary>When set, the process exits with this code in the middle of the call (<c>"exit"</c>).</summary>
    public int? Exit { get; init; }

    /// <summary>When set, the process exits through .NET's <c>Environment.Exit</c> with this code in the middle of the call (<c>"environmentExit"</c>): the web host stops first, closing the call's connection before the process ends.</summary>
    public int? EnvironmentExit { get; init; }

    /// <summary>MiB of native memory to allocate and touch (<c>"allocMiB"</c>).</summary>
    public int AllocateMiB { get; init; }

    /// <summary>When positive, the answer is this many bytes of <c>x</c> (<c>"outputBytes"</c>).</summary>
    public int OutputBytes { get; init; }

    /// <summary>Lines written to stdout at the start of the call (<c>"stdout"</c>).</summary>
    public IReadOnlyList<string> Stdout { get; init; } = [];

    /// <summary>Lines written to stderr at the start of the call (<c>"stderr"</c>).</summary>
    public IReadOnlyList<string> Stderr { get; init; } = [];

    /// <summary>
    /// When true, the call first replaces the console's stdout writer with a writer of its own on the process's stdout
    /// (<c>"replaceStdout"</c>), as a function that calls <c>Console.SetOut</c> does; the rest of the container's life
    /// writes through it.
    /// </summary>
    public bool ReplaceStdout { get; init; }

    /// <summary>
    /// Lines written, after those, to stdout through the writer the program took from the console as its first statement
    /// (<c>"startupStdout"</c>), as a console logger made before the FDK's first use keeps its writer.
    /// </summary>
    public IReadOnlyList<string> StartupStdout { get; init; } = [];

    /// <summary>
    /// Lines written, after those, straight to the process's stdout (<c>"rawStdout"</c>, through
    /// <c>Console.OpenStandardOutput()</c>), around the console's writers, as a child process or native code writes.
    /// </summary>
    public IReadOnlyList<string> RawStdout { get; init; } = [];

    /// <summary>The answer's body when nothing else sets it (<c>"body"</c>).</summary>
    public string? Body { get; init; }

    /// <summary>Reads the command from a call's body; a body that is not a JSON object is an empty command.</summary>
    public static TestCommand Parse(string input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input.Length == 0 ? "{}" : input);
        }
        catch (JsonException)
        {
            return new TestCommand();
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new TestCommand();
            }

            return new TestCommand
            {
                Echo = root.TryGetProperty("echo", out var echo) && echo.ValueKind == JsonValueKind.True,
                SleepMs = Int(root, "sleepMs") ?? 0,
                Status = Int(root, "status") ?? 200,
                Headers = root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                    ? headers.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
                    : new Dictionary<string, string>(),
                Throw = root.TryGetProperty("throw", out var message) ? message.ToString() : null,
                Exit = Int(root, "exit"),
                EnvironmentExit = Int(root, "environmentExit"),
                AllocateMiB = Int(root, "allocMiB") ?? 0,
                OutputBytes = Int(root, "outputBytes") ?? 0,
                Stdout = Lines(root, "stdout"),
                Stderr = Lines(root, "stderr"),
                StartupStdout = Lines(root, "startupStdout"),
                RawStdout = Lines(root, "rawStdout"),
                ReplaceStdout = root.TryGetProperty("replaceStdout", out var replace) && replace.ValueKind == JsonValueKind.True,
                Body = root.TryGetProperty("body", out var body) ? body.ToString() : null,
            };
        }
    }

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static string[] Lines(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(e => e.ToString())]
            : [];
}
