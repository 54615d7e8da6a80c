#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex and a condition variable guarding one piece of state, at fixed addresses (a pthread
/// object must not move): the search threads' queue, the spare cores' jobs and a forked job's
/// result. The caller holds the lock around `wait` and around what it reads or changes.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the lock if it is free; true when taken.
    @inline(__always) func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
    /// Releases the lock until signalled, then holds it again.
    @inline(__always) func wait() { pthread_cond_wait(condition, mutex) }
    @inline(__always) func signal() { pthread_cond_signal(condition) }
    @inline(__always) func broadcast() { pthread_cond_broadcast(condition) }
}
