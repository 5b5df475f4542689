using System.Text;

namespace FnSharp.Cli.Tests;

/// <summary>A writer that keeps what it is given (from any thread) and lets a test wait until a text appears in it.</summary>
internal sealed class SignalWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
            var text = _text.ToString();
            foreach (var wait in _waits.Where(w => text.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                wait.Seen.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    /// <summary>Completes once <paramref name="text"/> has been written.</summary>
    public Task WaitForAsync(string text)
    {
        lock (_gate)
        {
            if (_text.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((text, seen));
            return seen.Task;
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString().ReplaceLineEndings("\n");
        }
    }
}
