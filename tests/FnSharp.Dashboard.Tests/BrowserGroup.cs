namespace FnSharp.Dashboard.Tests;

/// <summary>The browser tests share one Chromium and run one at a time (each starts its own server).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
