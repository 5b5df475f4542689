using Spectre.Console;

namespace FnSharp.Cli.Output;

/// <summary>
/// One step of a <see cref="ProgressDisplay"/>: takes the step's output lines (a build's), shows the last one
/// on the progress line, prints them all when verbose, and keeps the last <see cref="ProgressDisplay.TailLines"/>
/// for a failure. On a terminal the line is redrawn every second with the time the step has taken.
/// </summary>
internal sealed class ProgressStep
{
    private readonly Lock _gate = new();
    private readonly IAnsiConsole _console;
    private readonly bool _verbose;
    private readonly string _title;
    private readonly string? _hint;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Queue<string> _tail = new();
    private StatusContext? _context;
    private ITimer? _ticker;
    private string _last = "";
    private bool _live;

    public ProgressStep(IAnsiConsole console, bool verbose, string title, TimeProvider time, string? hint)
    {
        _console = console;
        _verbose = verbose;
        _title = title;
        _hint = hint;
        _last = hint ?? "";
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>How long the step has run.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>The last lines of the step's output.</summary>
    public IReadOnlyList<string> Tail
    {
        get
        {
            lock (_gate)
            {
                return [.. _tail];
            }
        }
    }

    /// <summary>Takes one line of the step's output (from any thread).</summary>
    public void Line(string line)
    {
        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > ProgressDisplay.TailLines)
            {
                _tail.Dequeue();
            }

            if (line.Trim().Length > 0)
            {
                _last = line.Trim();
            }

            if (_verbose)
            {
                _console.WriteLine(line);
            }

            Redraw();
        }
    }

    /// <summary>
    /// Shows <paramref name="text"/> on the progress line until the next line or note (a push's bytes so far),
    /// without keeping or printing it: such notes come many times a second.
    /// </summary>
    public void Note(string text)
    {
        lock (_gate)
        {
            _last = text.Trim();
            Redraw();
        }
    }

    /// <summary>A <see cref="TextWriter"/> whose lines go to <see cref="Line"/>, for code that writes its progress to a writer.</summary>
    public TextWriter Writer() => new StepWriter(this);

    /// <summary>
    /// The status text: the step alone (with its hint), or on a terminal also its time and last output line
    /// (the hint until there is one), cut to the terminal's width so that it stays one line.
    /// </summary>
    public string Description()
    {
        if (_context is null || !_live)
        {
            return Markup.Escape(_hint is null ? _title : $"{_title} ({_hint})") + "...";
        }

        // The spinner and a space take 2 columns, and a column is left free so that the line never wraps.
        var room = _console.Profile.Width - 3;
        var elapsed = ProgressDisplay.Elapsed(Elapsed);
        var title = Cut(_title, room - elapsed.Length - 1);
        var last = Cut(_last, room - title.Length - elapsed.Length - 2);
        return $"{Markup.Escape(title)} [grey]{elapsed}[/]{(last.Length > 0 ? $" [grey]{Markup.Escape(last)}[/]" : "")}";
    }

    internal void Attach(StatusContext context, bool live)
    {
        lock (_gate)
        {
            _context = context;
            _live = live;
            if (live)
            {
                _ticker = _time.CreateTimer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }

            Redraw();
        }
    }

    internal void Detach()
    {
        lock (_gate)
        {
            _ticker?.Dispose();
            _context = null;
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            Redraw();
        }
    }

    // Only on a terminal: Spectre's plain fallback prints a line each time the status changes, and
    // the status of a step that is not drawn in place is its title alone.
    private void Redraw()
    {
        if (_context is not null && _live)
        {
            _context.Status = Description();
        }
    }

    private static string Cut(string text, int width) =>
        width <= 1 ? "" : text.Length <= width ? text : text[..(width - 1)] + "…";

    private sealed class StepWriter(ProgressStep step) : TextWriter
    {
        private readonly System.Text.StringBuilder _partial = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                step.Line(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            step.Line(_partial.Append(value).ToString().TrimEnd('\r'));
            _partial.Clear();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _partial.Length > 0)
            {
                step.Line(_partial.ToString());
                _partial.Clear();
            }

            base.Dispose(disposing);
        }
    }
}
