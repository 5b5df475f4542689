namespace FnSharp.Testing;

/// <summary>
/// The trait that splits the suite: <c>--filter Category=Unit</c> runs the fast tests (no Docker, no
/// database), <c>--filter Category=Integration</c> the ones on the real Docker engine and databases.
/// Every test class carries one of them.
/// </summary>
public static class TestCategories
{
    /// <summary>The trait's name.</summary>
    public const string Name = "Category";

    /// <summary>Fast, in-process tests.</summary>
    public const string Unit = "Unit";

    /// <summary>Tests on the real Docker engine or real databases, started by the scripts.</summary>
    public const string Integration = "Integration";
}
