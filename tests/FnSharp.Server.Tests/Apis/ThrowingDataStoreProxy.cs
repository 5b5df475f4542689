using System.Reflection;

namespace FnSharp.Server.Tests.Apis;

/// <summary>An <c>IDataStore</c> whose every method fails as a broken database would, with text that must never reach a client.</summary>
public class ThrowingDataStoreProxy : DispatchProxy
{
    public const string Secret = "connection string password=hunter2";

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new InvalidOperationException(Secret);
}
