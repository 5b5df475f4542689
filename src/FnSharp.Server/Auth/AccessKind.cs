namespace FnSharp.Server.Auth;

/// <summary>The kinds of authorization rule a route can declare (<see cref="RouteAccess"/>).</summary>
internal enum AccessKind
{
    /// <summary>An <c>admin</c> key.</summary>
    Admin,

    /// <summary>A key with the rule's role on the app the route's parameter leads to (<see cref="AppFrom"/>).</summary>
    App,

    /// <summary>A key with the rule's role on some app; the handler checks the app it finds (in a body) or filters what it lists.</summary>
    SomeApp,

    /// <summary>No key, unless the HTTP trigger called carries <c>fnsharp.io/auth: "key"</c>; then an <c>invoke</c> key of its app.</summary>
    HttpTrigger,
}
