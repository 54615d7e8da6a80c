#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed number of threads working through one list of jobs.
///
/// Contract of `forEach`: `body(worker, job)` runs exactly once for every job in `0..<jobs` (unless a
/// job fails first), on one of `threads` threads, in no particular order; `worker` (0..<threads) names
/// the thread, so per-thread state can live in an array indexed by it. The calling thread is worker 0.
/// `body` must synchronize whatever it shares. The first error stops handing out jobs, every thread
/// is joined before `forEach` returns, and that error is rethrown. When the system refuses a thread,
/// the others (at least the caller) do its share.
enum WorkerPool {
    static func forEach(
        jobs: Int, threads: Int, _ body: (_ worker: Int, _ job: Int) throws(IndexError) -> Void
    ) throws(IndexError) {
        guard jobs > 0 else { return }
        let lock = Lock()
        var next = 0
        var failure: IndexError?
        try withoutActuallyEscaping(body) { body throws(IndexError) in
            let work: (Int) -> Void = { worker in
                while true {
                    let job: Int? = lock.withLock {
                        guard failure == nil, next < jobs else { return nil }
                        defer { next += 1 }
                        return next
                    }
                    guard let job else { return }
                    do throws(IndexError) { try body(worker, job) } catch {
                        lock.withLock { if failure == nil { failure = error } }
                        return
                    }
                }
            }
            var started: [pthread_t] = []
            for worker in 1..<max(1, min(threads, jobs)) {
                if let thread = System.startThread({ work(worker) }) { started.append(thread) }
            }
            work(0)
            for thread in started { pthread_join(thread, nil) }
            if let failure { throw failure }
        }
    }
}
