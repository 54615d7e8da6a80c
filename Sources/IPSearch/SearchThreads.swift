import IPSearchIndex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed number of threads that run jobs first come, first served.
///
/// The server's request handlers run as tasks on Swift's cooperative pool, which has one thread per
/// core; a search is synchronous CPU work, so a slow query held a pool thread for its whole length,
/// and the tasks waiting behind it (other requests, responses to write) were picked in no order the
/// server controls. `SearchService.searchOnSearchThreads` hands the search to these threads instead
/// and suspends the task: the pool stays free for what Hummingbird schedules on it, and searches
/// start in the order they arrived, so none waits behind more than the queue ahead of it.
final class SearchThreads: @unchecked Sendable {
    private let shared = Shared()
    private var threads: [pthread_t] = []

    /// Starts `count` threads (at least one). When the system refuses every thread, `submit` runs
    /// jobs on the caller's thread.
    init(count: Int) {
        let shared = self.shared
        for _ in 0..<max(1, count) {
            if let thread = System.startThread({ shared.work() }) { threads.append(thread) }
        }
        if threads.isEmpty { shared.stop() }
    }

    /// Lets the threads finish the jobs already submitted, then ends them. (The last reference can
    /// be dropped by a job on one of the threads: that thread is detached, not joined by itself.)
    deinit {
        shared.stop()
        for thread in threads {
            if pthread_equal(thread, pthread_self()) != 0 { pthread_detach(thread) } else { pthread_join(thread, nil) }
        }
    }

    /// Queues `job` behind every job submitted before it.
    func submit(_ job: @escaping () -> Void) {
        if !shared.enqueue(job) { job() }
    }

    /// Runs `body` on one of the threads and returns what it returned, suspending the calling task
    /// meanwhile.
    func run<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        let outcome: Result<T, Failure> = await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { () throws(Failure) -> T in try body() }) }
        }
        return try outcome.get()
    }

    /// The queue the threads share (they hold it, not the `SearchThreads`).
    private final class Shared: @unchecked Sendable {
        private let monitor = Monitor()
        /// Jobs not started yet, oldest at `head`.
        private var queue: [(() -> Void)?] = []
        private var head = 0
        private var stopping = false

        /// False when stopping (the job is not queued).
        func enqueue(_ job: @escaping () -> Void) -> Bool {
            monitor.lock()
            defer { monitor.unlock() }
            guard !stopping else { return false }
            queue.append(job)
            monitor.signal()
            return true
        }

        func stop() {
            monitor.lock()
            stopping = true
            monitor.broadcast()
            monitor.unlock()
        }

        /// A thread's loop: the oldest job, until stopped with none left.
        func work() {
            while true {
                monitor.lock()
                while head == queue.count && !stopping { monitor.wait() }
                if head == queue.count {
                    monitor.unlock()
                    return
                }
                let job = queue[head]
                queue[head] = nil
                head += 1
                if head == queue.count || (head >= 1024 && head * 2 >= queue.count) {
                    queue.removeFirst(head)
                    head = 0
                }
                monitor.unlock()
                job?()
            }
        }
    }
}
