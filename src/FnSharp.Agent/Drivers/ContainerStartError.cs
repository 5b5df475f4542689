namespace FnSharp.Agent.Drivers;

/// <summary>Why a container could not be made ready to serve calls.</summary>
public enum ContainerStartError
{
    /// <summary>The image is not on the host and could not be pulled.</summary>
    ImageNotFound,

    /// <summary>The container exited, or its socket failed the checks of the http-stream contract.</summary>
    InitFailed,

    /// <summary>The container did not create its socket within the start timeout.</summary>
    InitTimedOut,
}
