namespace FnSharp.Agent.Drivers;

/// <summary>A container could not be created or made ready; <see cref="Error"/> says why.</summary>
public sealed class ContainerStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The kind of failure.</param>
    /// <param name="message">What happened, for the log; may name the image.</param>
    /// <param name="innerException">The engine's error, if any.</param>
    public ContainerStartException(ContainerStartError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The kind of failure.</summary>
    public ContainerStartError Error { get; }

    /// <summary>
    /// Why the container failed, in words its caller may read (the rule of the http-stream contract it broke,
    /// its exit code), without the node's details (container id, the container's output), which stay in
    /// <see cref="Exception.Message"/>; <see langword="null"/> when there is nothing more to say than <see cref="Error"/>.
    /// </summary>
    public string? Reason { get; init; }
}
