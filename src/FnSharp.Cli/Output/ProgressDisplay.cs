using Spectre.Console;

namespace FnSharp.Cli.Output;

/// <summary>
/// Progress of work that can take more than a second (a build step, a call that waits for its answer),
/// on stderr so that stdout stays a command's result. Spectre.Console's status display draws it: on a
/// terminal, one line with a spinner, the step, the time it has taken and the last line of the step's
/// output, redrawn in place; elsewhere (a pipe, a file, <c>TERM=dumb</c>), plain lines: the step's
/// title when it starts. Each step ends with a line that says how long it took.
/// </summary>
internal sealed class ProgressDisplay
{
    /// <summary>How many lines of a step's output are kept to be shown when it fails (all are shown with <c>--verbose</c>).</summary>
    public const int TailLines = 40;

    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;

    public ProgressDisplay(TextWriter error, bool terminal, TimeProvider time)
    {
        _time = time;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            // A log file has no width: lines are written whole, not wrapped at Spectre's default of 80.
            _console.Profile.Width = 4096;
        }
    }

    /// <summary>Whether progress is a line redrawn in place (a terminal that understands ANSI), rather than plain lines.</summary>
    public bool Live => _console.Profile.Capabilities.Interactive && _console.Profile.Capabilities.Ansi;

    /// <summary>
    /// Runs <paramref name="work"/> as the step <paramref name="title"/>: the progress line is shown while
    /// it runs, then <c>✓ title (0:12)</c>, or <c>✗ title (0:12)</c> and the last lines of the step's output
    /// when it fails (unless <paramref name="verbose"/> printed them all as they came). <paramref name="hint"/>
    /// (such as how long the step takes) is shown when the step starts.
    /// </summary>
    public async Task<T> StepAsync<T>(string title, bool verbose, Func<ProgressStep, Task<T>> work, string? hint = null)
    {
        var step = new ProgressStep(_console, verbose, title, _time, hint);
        try
        {
            var result = await RunAsync(step, work);
            Line($"{(Live ? "[green]✓[/]" : "done:")} {Markup.Escape(title)} [grey]({Elapsed(step.Elapsed)})[/]");
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!verbose)
            {
                foreach (var line in step.Tail)
                {
                    _console.WriteLine(line);
                }
            }

            Line($"{(Live ? "[red]✗[/]" : "failed:")} {Markup.Escape(title)} [grey]({Elapsed(step.Elapsed)})[/]");
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> and waits for it; when it has not ended after <paramref name="after"/>,
    /// shows <paramref name="title"/> as progress until it does. Nothing is printed when it ends (what follows
    /// is the answer). The wait begins before the work does, so that the work cannot outrun its clock.
    /// </summary>
    public async Task<T> WhileWaitingAsync<T>(Func<Task<T>> work, TimeSpan after, string title, CancellationToken cancellationToken)
    {
        Task<T> running;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var delay = Task.Delay(after, _time, stop.Token);
            running = work();
            if (await Task.WhenAny(running, delay) == running)
            {
                await stop.CancelAsync();
                return await running;
            }
        }

        return await RunAsync(new ProgressStep(_console, verbose: false, title, _time, hint: null), _ => running);
    }

    /// <summary>Writes a line of Spectre markup (progress and notes), above the progress line when one is shown.</summary>
    public void Line(string markup) => _console.MarkupLine(markup);

    /// <summary>The time a step took, as <c>m:ss</c>.</summary>
    public static string Elapsed(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}");

    // Off a terminal the step's line is written here, before its work starts: Spectre's plain fallback
    // writes it from its refresh thread, which can come after the first lines of a fast step's output.
    private async Task<T> RunAsync<T>(ProgressStep step, Func<ProgressStep, Task<T>> work)
    {
        if (!Live)
        {
            _console.MarkupLine(step.Description());
            return await work(step);
        }

        return await _console.Status().StartAsync(step.Description(), async context =>
        {
            step.Attach(context, live: true);
            try
            {
                return await work(step);
            }
            finally
            {
                step.Detach();
            }
        });
    }
}
