#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex (the Synchronization module's `Mutex` needs newer Apple platforms than the
/// package declares). Shared by the indexer's worker threads and the search service.
public final class Lock: @unchecked Sendable {
    // Allocated, not a stored `pthread_mutex_t` passed as `&m`: a pthread object must stay at one
    // address, which only an allocation promises.
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(m, nil) }
    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}
