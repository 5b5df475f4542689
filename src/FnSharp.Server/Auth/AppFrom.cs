namespace FnSharp.Server.Auth;

/// <summary>How a route's parameter leads to the app a rule of kind <see cref="AccessKind.App"/> checks.</summary>
internal enum AppFrom
{
    /// <summary>The parameter is the app's id.</summary>
    AppId,

    /// <summary>The parameter is a fn's id: its app.</summary>
    FnId,

    /// <summary>The parameter is a trigger's id: its app.</summary>
    TriggerId,
}
