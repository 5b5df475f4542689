using System.Runtime.CompilerServices;

namespace FnSharp.Fdk;

/// <summary>Installs the log frame writers when the FDK's module is initialized (see <see cref="LogFrame.Installed"/>).</summary>
internal static class LogFrameInstaller
{
#pragma warning disable CA2255 // A library's module initializer, on purpose: the FDK hosts the function, and its console writers must be in place before the function's code takes one.
    [ModuleInitializer]
    internal static void Install() => _ = LogFrame.Installed;
#pragma warning restore CA2255
}
