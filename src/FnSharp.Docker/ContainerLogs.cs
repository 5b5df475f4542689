namespace FnSharp.Docker;

/// <summary>
/// Reads a container's stdout and stderr (the Engine API's attach, opened before the container starts, or the runc
/// driver's pipes), cuts them into lines, attributes each line to a call by the log frame markers, and keeps them in a
/// bounded <see cref="CallLogBuffer"/>. <see cref="Completion"/> ends when the container's output ends.
/// </summary>
internal sealed class ContainerLogs
{
    private const int ChunkSize = 16 * 1024;

    private ContainerLogs(CallLogBuffer buffer)
    {
        Buffer = buffer;
    }

    /// <summary>The captured lines.</summary>
    public CallLogBuffer Buffer { get; }

    /// <summary>Completes when the output has ended (the container exited) or could not be read; never faults.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts reading <paramref name="attached"/>, the output of a container attached to before its start (so nothing it
    /// writes is missed), until it ends; disposes the stream then.
    /// </summary>
    public static ContainerLogs Follow(MultiplexedStream attached, string frameName, DockerDriverOptions options, CancellationToken cancellationToken)
    {
        var logs = new ContainerLogs(new CallLogBuffer(options.LogLinesPerCall, options.LogLinesKept, options.StderrTailLines));
        logs.Completion = Task.Run(() => logs.ReadAsync(attached, frameName, options.LogLineMaxLength, cancellationToken), CancellationToken.None);
        return logs;
    }

    /// <summary>
    /// Starts reading the output of a container whose stdout and stderr arrive as two plain streams (the runc driver's
    /// child process) until both end.
    /// </summary>
    public static ContainerLogs Read(Stream stdout, Stream stderr, string frameName, DockerDriverOptions options, CancellationToken cancellationToken)
    {
        var logs = new ContainerLogs(new CallLogBuffer(options.LogLinesPerCall, options.LogLinesKept, options.StderrTailLines));
        logs.Completion = Task.WhenAll(
            Task.Run(() => logs.ReadStreamAsync(stdout, new StreamState(ContainerOutput.Stdout, new LogLineAssembler(options.LogLineMaxLength), new LogFrameSplitter(frameName)), cancellationToken), CancellationToken.None),
            Task.Run(() => logs.ReadStreamAsync(stderr, new StreamState(ContainerOutput.Stderr, new LogLineAssembler(options.LogLineMaxLength), new LogFrameSplitter(frameName)), cancellationToken), CancellationToken.None));
        return logs;
    }

    private async Task ReadStreamAsync(Stream stream, StreamState state, CancellationToken cancellationToken)
    {
        var chunk = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                Append(state, chunk.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The container is gone or being removed: its output ends here.
        }

        Finish(state);
    }

    private async Task ReadAsync(MultiplexedStream attached, string frameName, int maxLineLength, CancellationToken cancellationToken)
    {
        var stdout = new StreamState(ContainerOutput.Stdout, new LogLineAssembler(maxLineLength), new LogFrameSplitter(frameName));
        var stderr = new StreamState(ContainerOutput.Stderr, new LogLineAssembler(maxLineLength), new LogFrameSplitter(frameName));
        try
        {
            using var stream = attached;
            var chunk = new byte[ChunkSize];
            while (true)
            {
                var read = await stream.ReadOutputAsync(chunk, 0, chunk.Length, cancellationToken);
                if (read.EOF)
                {
                    break;
                }

                Append(read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout, chunk.AsSpan(0, read.Count));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or DockerApiException or HttpRequestException or ObjectDisposedException)
        {
            // The container is gone or being removed, or the driver closed: its output ends here.
        }

        Finish(stdout);
        Finish(stderr);
    }

    private void Append(StreamState state, ReadOnlySpan<byte> chunk)
    {
        state.Lines.Clear();
        state.Assembler.Append(chunk, state.Lines);
        Attribute(state, flush: false);
    }

    private void Finish(StreamState state)
    {
        state.Lines.Clear();
        state.Assembler.Flush(state.Lines);
        Attribute(state, flush: true);
    }

    private void Attribute(StreamState state, bool flush)
    {
        state.Attributed.Clear();
        foreach (var line in state.Lines)
        {
            state.Splitter.Push(line, state.Attributed);
        }

        if (flush)
        {
            state.Splitter.Flush(state.Attributed);
        }

        foreach (var (callId, text) in state.Attributed)
        {
            Buffer.Add(callId, new ContainerLogLine(state.Stream, text));
        }
    }

    private sealed record StreamState(ContainerOutput Stream, LogLineAssembler Assembler, LogFrameSplitter Splitter)
    {
        public List<string> Lines { get; } = [];

        public List<(string? CallId, string Text)> Attributed { get; } = [];
    }
}
