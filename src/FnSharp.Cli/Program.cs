using FnSharp.Cli;

return await CliApp.RunAsync(args, new CliIo
{
    Output = Console.Out,
    Error = Console.Error,
    Input = Console.In,
    InputRedirected = Console.IsInputRedirected,
    Terminal = !Console.IsOutputRedirected && !Console.IsErrorRedirected,
});
