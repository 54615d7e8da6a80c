import Foundation
import Testing
@testable import IPSearch

/// The server's search threads: first come, first served, every job exactly once, values and errors
/// handed back to the waiting task, and nothing submitted is dropped when the pool goes away.
@Suite struct SearchThreadsTests {
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Int] = []
        func append(_ v: Int) { lock.lock(); entries.append(v); lock.unlock() }
        var all: [Int] { lock.lock(); defer { lock.unlock() }; return entries }
    }

    /// With one thread, jobs run in the order they were queued, also when they queued up behind a
    /// job that was still running.
    @Test func jobsRunInTheOrderTheyWereSubmitted() async {
        let threads = SearchThreads(count: 1)
        let gate = DispatchSemaphore(value: 0)
        let log = Log()
        threads.submit { gate.wait() }  // holds the thread until every job is queued
        for i in 0..<200 { threads.submit { log.append(i) } }
        gate.signal()
        await threads.run { () -> Void in }  // queued last: runs after all of them
        #expect(log.all == Array(0..<200))
    }

    @Test func everyJobRunsOnceAndHandsBackItsValueOrError() async throws {
        struct Odd: Error, Equatable { let value: Int }
        let threads = SearchThreads(count: 3)
        try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            for i in 0..<100 {
                group.addTask {
                    do throws(Odd) {
                        let v = try await threads.run { () throws(Odd) -> Int in
                            if i % 2 == 1 { throw Odd(value: i) }
                            return i * i
                        }
                        return (i, v)
                    } catch {
                        #expect(error == Odd(value: i))
                        return (i, nil)
                    }
                }
            }
            var seen = Set<Int>()
            for try await (i, v) in group {
                #expect(seen.insert(i).inserted)
                #expect(v == (i % 2 == 0 ? i * i : nil))
            }
            #expect(seen.count == 100)
        }
    }

    /// Releasing the pool lets the jobs already submitted finish first (its deinit waits for them).
    @Test func releasingThePoolFinishesSubmittedJobs() {
        let log = Log()
        var threads: SearchThreads? = SearchThreads(count: 2)
        for i in 0..<50 { threads?.submit { log.append(i) } }
        threads = nil
        #expect(log.all.sorted() == Array(0..<50))
    }
}
