import IPSearchIndex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Idle cores a long query may borrow (after Lucene's intra-segment concurrency).
///
/// A search is one thread's work, so on an idle machine one slow query (a common phrase verified in
/// 57,000 documents) leaves the other cores unused. `fork` hands a job to a spare thread, but only
/// when fewer searches run in the process than there are cores and a spare thread is idle: under
/// load every core already runs a search of its own, and splitting one would only add work. The
/// caller runs its own share meanwhile and then `join`s. Threads start on the first `fork`, so a
/// process that never runs a long query starts none.
final class SpareCores: @unchecked Sendable {
    /// Spare threads for every process: one fewer than the cores.
    static let shared = SpareCores(threads: System.coreCount - 1, searchesBelow: System.coreCount)

    private let monitor = Monitor()
    private let threads: Int
    private let searchesBelow: Int
    private var started = 0
    private var idle = 0
    private var searches = 0
    private var jobs: [() -> Void] = []
    /// Jobs forked so far (tests check that a split happened).
    private(set) var lent = 0

    /// At most `threads` spare threads (none: `fork` never forks), lent while fewer than
    /// `searchesBelow` searches run.
    init(threads: Int, searchesBelow: Int) {
        self.threads = max(0, threads)
        self.searchesBelow = searchesBelow
    }

    // No deinit: a started thread holds its instance, so an instance that started one lives as long
    // as the process (the shared one does anyway; tests make one or two of their own).

    /// Counts a search as running, until `searchEnded`. (Not a generic wrapper taking the search
    /// as a closure with typed throws: with one, the debug build's server tests crashed, jumping
    /// to an address made of this struct's numbers; without it they pass.)
    func searchStarted() {
        monitor.lock()
        searches += 1
        monitor.unlock()
    }

    func searchEnded() {
        monitor.lock()
        searches -= 1
        monitor.unlock()
    }

    /// Starts `job` on a spare thread and returns what to `join`, or returns nil (the caller runs
    /// the job itself) when no spare thread is idle or as many searches run as there are cores.
    func fork<T>(_ job: @escaping () -> T) -> Forked<T>? {
        monitor.lock()
        defer { monitor.unlock() }
        guard searches < searchesBelow, idle > 0 || started < threads else { return nil }
        if idle == 0 {
            guard System.startThread({ [self] in work() }) != nil else { return nil }
            started += 1
            idle += 1
        }
        idle -= 1
        lent += 1
        let forked = Forked<T>()
        jobs.append { [self] in
            let result = job()
            // Idle again before the caller can join and fork its next job.
            monitor.lock()
            idle += 1
            monitor.unlock()
            forked.finish(result)
        }
        monitor.signal()
        return forked
    }

    /// How long a spare thread keeps looking for the next job after one, and a caller for its
    /// job's result, before sleeping: waking a sleeping thread takes some 40 µs on this project's
    /// machine, as much as a cut saves on a median query; a query typed after another, or the next
    /// cut of the same query, comes within this.
    static let spinSeconds = 0.000_5

    /// A spare thread's loop (it never ends: the shared instance lives as long as the process).
    private func work() {
        monitor.lock()
        while true {
            if jobs.isEmpty {
                // Look again for a while (the lock taken only when free), then sleep.
                monitor.unlock()
                let until = System.now() + SpareCores.spinSeconds
                while true {
                    if monitor.tryLock() {
                        if !jobs.isEmpty { break }
                        monitor.unlock()
                    }
                    if System.now() > until {
                        monitor.lock()
                        break
                    }
                    sched_yield()
                }
                while jobs.isEmpty { monitor.wait() }
            }
            let job = jobs.removeFirst()
            monitor.unlock()
            job()
            monitor.lock()
        }
    }

    /// The result of a job running on a spare thread.
    final class Forked<T>: @unchecked Sendable {
        private let monitor = Monitor()
        private var value: T?

        fileprivate func finish(_ result: T) {
            monitor.lock()
            value = result
            monitor.signal()
            monitor.unlock()
        }

        /// Waits for the job to end and returns its result.
        func join() -> T {
            let until = System.now() + SpareCores.spinSeconds
            while System.now() < until {
                if monitor.tryLock() {
                    if let value {
                        monitor.unlock()
                        return value
                    }
                    monitor.unlock()
                }
                sched_yield()
            }
            monitor.lock()
            defer { monitor.unlock() }
            while true {
                if let value { return value }
                monitor.wait()
            }
        }
    }
}

/// How one search may use idle cores: long intersections and long ranking walks are cut in two
/// document ranges, the upper one run on a spare core (`SpareCores.fork`) when one is idle.
struct Parallel: Sendable, Hashable {
    var cores = SpareCores.shared
    /// An intersection whose rarest list holds this many documents is cut (about 0.5 ms of
    /// verifying; handing half to a spare thread costs some 20 µs).
    var matchFrom = 2_048
    /// A segment's ranking walk whose largest part matched this many documents is cut.
    var rankFrom = 8_192
    /// A page of at least this many hits with snippets makes its second half on a spare core.
    static let snippetHitsFrom = 4

    static func == (a: Parallel, b: Parallel) -> Bool {
        a.cores === b.cores && a.matchFrom == b.matchFrom && a.rankFrom == b.rankFrom
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(cores))
        hasher.combine(matchFrom)
        hasher.combine(rankFrom)
    }
}
