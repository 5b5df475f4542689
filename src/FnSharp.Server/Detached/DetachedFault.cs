namespace FnSharp.Server.Detached;

/// <summary>Whose fault an attempt's outcome is (<see cref="DetachedRetryPolicy.Classify"/>).</summary>
internal enum DetachedFault
{
    /// <summary>The attempt succeeded.</summary>
    None,

    /// <summary>The node had no room in time, or its container engine did not answer: retried without counting the attempt.</summary>
    Busy,

    /// <summary>The platform failed (the container did not start, the image is missing): retried until the maximum event age.</summary>
    Platform,

    /// <summary>The function failed (502, bad answer, broken connection, timeout, out of memory): retried as the fn's annotation allows.</summary>
    Function,

    /// <summary>The call can never run here (the fn needs more memory than the async share): a dead letter at once.</summary>
    Permanent,
}
