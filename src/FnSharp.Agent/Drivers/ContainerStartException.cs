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
}
