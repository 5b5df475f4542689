using System.Collections;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using FnSharp.Fdk;
using TestFn;

// FnSharp's test function: its JSON input drives what it does, so the platform's tests can produce
// every outcome of fn-compat.md section 3 with one image (fnsharp/testfn:latest). See README.md.
StartupConsole.Out = Console.Out;
if (Environment.GetEnvironmentVariable("TESTFN_EXIT_AT_START") is { Length: > 0 } exitAtStart)
{
    Console.Error.WriteLine("testfn: exiting at start with code " + exitAtStart);
    return int.Parse(exitAtStart, CultureInfo.InvariantCulture);
}

if (Environment.GetEnvironmentVariable("TESTFN_START_DELAY_MS") is { Length: > 0 } delay)
{
    Console.Error.WriteLine("testfn: delaying start-up by " + delay + " ms");
    await Task.Delay(int.Parse(delay, CultureInfo.InvariantCulture));
}

if (Environment.GetEnvironmentVariable("TESTFN_NO_SOCKET") is "1" or "true")
{
    Console.Error.WriteLine("testfn: never opening the socket");
    await Task.Delay(Timeout.Infinite);
}

if (Environment.GetEnvironmentVariable("TESTFN_ABSOLUTE_LINK") is "1" or "true")
{
    // Breaks the contract's rule on the link (fn-compat.md section 4): a listening socket, linked by its absolute path.
    var listener = Environment.GetEnvironmentVariable("FN_LISTENER") ?? "unix:/tmp/iofs/lsnr.sock";
    var linkPath = listener["unix:".Length..];
    var phonyPath = Path.Combine(Path.GetDirectoryName(linkPath)!, "phonylsnr.sock");
    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    socket.Bind(new UnixDomainSocketEndPoint(phonyPath));
    socket.Listen(1);
    File.SetUnixFileMode(phonyPath, (UnixFileMode)0b110_110_110);
    File.CreateSymbolicLink(linkPath, phonyPath);
    Console.Error.WriteLine("testfn: lsnr.sock links to the absolute path " + phonyPath);
    await Task.Delay(Timeout.Infinite);
}

Console.Error.WriteLine("testfn: serving");
await Fdk.HandleAsync(HandleAsync);
return 0;

static async Task<string> HandleAsync(FnContext context, string input)
{
    var command = TestCommand.Parse(input);
    if (command.ReplaceStdout)
    {
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
    }

    foreach (var line in command.Stdout)
    {
        Console.Out.WriteLine(line);
    }

    foreach (var line in command.Stderr)
    {
        Console.Error.WriteLine(line);
    }

    foreach (var line in command.StartupStdout)
    {
        StartupConsole.Out.WriteLine(line);
    }

    if (command.RawStdout.Count > 0)
    {
        using var raw = Console.OpenStandardOutput();
        foreach (var line in command.RawStdout)
        {
            raw.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        }
    }

    if (command.SleepMs > 0)
    {
        await Task.Delay(command.SleepMs, context.CancellationToken);
    }

    if (command.AllocateMiB > 0)
    {
        Allocate(command.AllocateMiB);
    }

    if (command.Throw is { } message)
    {
        throw new InvalidOperationException(message);
    }

    if (command.Exit is { } code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        ProcessExit.Now(code);
    }

    if (command.EnvironmentExit is { } environmentCode)
    {
        Environment.Exit(environmentCode);
    }

    context.ResponseStatusCode = command.Status;
    foreach (var (name, value) in command.Headers)
    {
        context.ResponseHeaders[name] = value;
    }

    if (command.OutputBytes > 0)
    {
        return new string('x', command.OutputBytes);
    }

    if (command.Echo)
    {
        context.ResponseContentType = "application/json";
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        var echo = new EchoBody(input, new SortedDictionary<string, string>(context.Headers.ToDictionary(), StringComparer.OrdinalIgnoreCase), environment);
        return JsonSerializer.Serialize(echo, TestFnJson.Default.EchoBody);
    }

    return command.Body ?? string.Empty;
}

// Native memory, touched page by page, so the kernel's OOM killer acts (the GC's own heap limit would
// throw OutOfMemoryException first). The memory is never freed: the process is meant to die.
static void Allocate(int mebibytes)
{
    Console.Error.WriteLine("testfn: allocating " + mebibytes.ToString(CultureInfo.InvariantCulture) + " MiB");
    Console.Error.Flush();
    var page = new byte[1024 * 1024];
    Array.Fill(page, (byte)1);
    for (var i = 0; i < mebibytes; i++)
    {
        var block = Marshal.AllocHGlobal(page.Length);
        Marshal.Copy(page, 0, block, page.Length);
    }

    Console.Error.WriteLine("testfn: allocated " + mebibytes.ToString(CultureInfo.InvariantCulture) + " MiB");
}
