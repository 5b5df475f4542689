namespace TestFn;

/// <summary>The console's stdout writer as the program found it at its first statement, before it used the FDK.</summary>
internal static class StartupConsole
{
    /// <summary>Set by the program's first statement.</summary>
    public static TextWriter Out { get; set; } = TextWriter.Null;
}
