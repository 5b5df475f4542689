namespace FnSharp.Server.Auth;

/// <summary>
/// The keys and the audit log of the datastore <see cref="StoreHolder"/> opens (the same database as apps
/// and fns), never cached, so that a revocation made through any node counts at once.
/// </summary>
internal sealed class AuthStore(StoreHolder holder)
{
    /// <summary>The keys.</summary>
    public IKeyStore Keys => holder.Store as IKeyStore
        ?? throw new InvalidOperationException($"The datastore {holder.Store.GetType().Name} does not keep API keys.");

    /// <summary>The audit log.</summary>
    public IAuditStore Audit => holder.Store as IAuditStore
        ?? throw new InvalidOperationException($"The datastore {holder.Store.GetType().Name} does not keep an audit log.");
}
