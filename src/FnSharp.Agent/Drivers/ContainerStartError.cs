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

    /// <summary>The image is not acceptable: it declares a <c>VOLUME</c>, which fn containers may not have.</summary>
    ImageRefused,

    /// <summary>The image is not on the host and pulling it did not finish within the pull timeout.</summary>
    ImagePullTimedOut,

    /// <summary>The image's registry refused to give it: it asked for credentials the node does not have, or refused the ones it has.</summary>
    ImageUnauthorized,

    /// <summary>The container was killed for exceeding its memory limit before it created its socket.</summary>
    OutOfMemory,

    /// <summary>The container engine did not answer (it is down or restarting): not the function's fault.</summary>
    EngineUnavailable,

    /// <summary>
    /// The node could not prepare what a container needs on its side (the container's socket directory under
    /// <c>FN_IOFS_PATH</c> could not be made): the node's fault, neither the function's nor the engine's.
    /// </summary>
    NodeFault,
}
