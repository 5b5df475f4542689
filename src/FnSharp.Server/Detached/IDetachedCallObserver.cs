namespace FnSharp.Server.Detached;

/// <summary>
/// Told what became of each attempt of a detached call, once its end is stored (or left to lease
/// recovery), by <see cref="DetachedCallWorker"/>. The server registers none; a host that must wait for
/// attempts (a test awaiting "the n-th attempt of this call was stored") registers one as a singleton.
/// </summary>
internal interface IDetachedCallObserver
{
    /// <summary>Called on the worker's thread after each attempt; it must return quickly and not throw.</summary>
    void AttemptSettled(DetachedAttempt attempt);
}
