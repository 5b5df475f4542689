using System.Reflection;

namespace FnSharp.Server.Tests.Calls;

/// <summary>An <c>ICallStore</c> whose every method fails as a broken database would.</summary>
public class ThrowingCallStoreProxy : DispatchProxy
{
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new InvalidOperationException("the database is gone");
}
