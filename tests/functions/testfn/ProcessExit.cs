using System.Runtime.InteropServices;

namespace TestFn;

/// <summary>
/// Ends the process at once with an exit code, as a crashing process, Node's <c>process.exit</c> or Go's <c>os.Exit</c>
/// does: the kernel closes the call's connection as the process dies. <see cref="Environment.Exit(int)"/> would first
/// stop the web host, which closes the connection while the process still runs, so the platform's kill of the
/// container could land before the exit and its code be lost.
/// </summary>
internal static partial class ProcessExit
{
    /// <summary>Exits with <paramref name="code"/> without running the process's exit handlers (libc <c>_exit</c>).</summary>
    public static void Now(int code) => Exit(code);

    [LibraryImport("libc.so.6", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
