import Testing
#if canImport(Glibc)
import Glibc
#endif
import IPSearchIndex
@testable import IPSearch

/// `SpareCores` lends idle threads to a long search, never more than it has, and only while fewer
/// searches run than it allows.
@Suite struct SpareCoresTests {
    @Test func aForkedJobRunsElsewhereAndJoinsWithItsResult() throws {
        let cores = SpareCores(threads: 1, searchesBelow: 4)
        let caller = pthread_self()
        let forked = try #require(cores.fork { () -> (Int, Bool) in (6 * 7, pthread_equal(pthread_self(), caller) != 0) })
        let (value, sameThread) = forked.join()
        #expect(value == 42 && !sameThread)
        // The thread is idle again once the join returns: the next fork gets it.
        for i in 0..<200 {
            let again = try #require(cores.fork { i }, "fork \(i)")
            #expect(again.join() == i)
        }
    }

    @Test func noForkWithoutAnIdleThreadOrWhileEnoughSearchesRun() throws {
        #expect(SpareCores(threads: 0, searchesBelow: 4).fork { 1 } == nil)

        let cores = SpareCores(threads: 1, searchesBelow: 4)
        // The one thread is busy until the first job is let go.
        let door = Door()
        let busy = try #require(cores.fork { door.wait(); return 1 })
        #expect(cores.fork { 2 } == nil)
        door.open()
        #expect(busy.join() == 1)

        // While `searchesBelow` searches run, nothing is lent.
        let two = SpareCores(threads: 1, searchesBelow: 2)
        two.searchStarted()
        #expect(two.fork { 3 }?.join() == 3)  // one search: a core is idle
        two.searchStarted()
        #expect(two.fork { 4 } == nil)
        two.searchEnded()
        #expect(two.fork { 5 }?.join() == 5)
        two.searchEnded()
    }

    /// Where a job waits until the test opens it.
    final class Door: @unchecked Sendable {
        private let lock = Lock()
        private var isOpen = false

        func open() { lock.withLock { isOpen = true } }

        func wait() {
            while !lock.withLock({ isOpen }) { sched_yield() }
        }
    }
}
