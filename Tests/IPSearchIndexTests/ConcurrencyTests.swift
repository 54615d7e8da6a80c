import Foundation
import IPSearchTestSupport
import Testing
@testable import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// Crashes, the write lock and concurrent readers, with real `ipsearch index` processes.
@Suite(.serialized) struct ConcurrencyTests {
    /// Rounds of five copies (~63 KB a round) in the big corpus: ~2.5 MB, enough that indexing it
    /// takes a few seconds in a debug build (~1 MB/s per core), so kills land in the middle of it.
    static let bulkCopies = 40

    /// `kill -9` at random moments leaves the last commit readable and whole; the next run cleans up.
    @Test func killedIndexerLeavesTheLastCommit() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("crash")
        let first = try box.run()
        #expect(first.documents == 5 && first.generation == 1)
        try box.addBulk(copies: Self.bulkCopies)
        let total = 5 + 5 * Self.bulkCopies

        var committed = (generation: 1, documents: 5)
        // Moments met by watching the indexer, not the clock: at once, when it holds the lock, while
        // it reads and analyses (seeded delays after taking the lock: where they land varies with
        // the machine, and any moment must leave the last commit whole), when the new segment's
        // first file appears (plus a seeded delay), and when its last one (`.docs`, written right
        // before the commit) appears.
        enum Moment: CustomStringConvertible {
            case atOnce
            case lockTaken(thenMilliseconds: Int)
            case whenFileAppears(suffix: String, thenMilliseconds: Int)
            var description: String {
                switch self {
                case .atOnce: return "at once"
                case .lockTaken(let ms): return "\(ms) ms after it took the lock"
                case .whenFileAppears(let suffix, let ms): return "\(ms) ms after a new \(suffix) file appeared"
                }
            }
        }
        var rng = SplitMix64(seed: 0x1DE5_C0DE)
        var moments: [Moment] = [.atOnce, .lockTaken(thenMilliseconds: 0)]
        moments += (0..<3).map { _ in .lockTaken(thenMilliseconds: Int.random(in: 20...600, using: &rng)) }
        moments.append(.whenFileAppears(suffix: ".store", thenMilliseconds: Int.random(in: 0...40, using: &rng)))
        moments.append(.whenFileAppears(suffix: ".docs", thenMilliseconds: 0))
        for moment in moments {
            let before = try Manifest.read(directory: box.index).referencedFiles
            let process = try ChildProcess(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--quiet"],
                                           outputDirectory: box.root.path)
            switch moment {
            case .atOnce:
                break
            case .lockTaken(let ms):
                waitUntil(timeout: 60) { lockHolder(box.index) == process.pid || !process.isRunning }
                if ms > 0 { usleep(UInt32(ms * 1000)) }
            case .whenFileAppears(let suffix, let ms):
                waitUntil(timeout: 60) {
                    !process.isRunning || box.indexFiles().contains(where: { $0.hasSuffix(suffix) && !before.contains($0) })
                }
                if ms > 0 { usleep(UInt32(ms * 1000)) }
            }
            let wasRunning = process.isRunning
            process.kill()
            let result = process.wait()
            let manifest = try Manifest.read(directory: box.index)
            let leftovers = box.indexFiles().subtracting(manifest.referencedFiles).subtracting(["write.lock"])
            print("kill \(moment): \(wasRunning ? "killed" : "had exited with \(result.status)"), generation \(manifest.generation), leftovers \(leftovers.sorted())")
            #expect(leftovers.allSatisfy { Indexer.isIndexFile($0) }, "unexpected files \(leftovers.sorted())")

            let reader = try IndexReader(directory: box.index)
            if reader.generation == committed.generation {
                #expect(reader.documentCount == committed.documents)
            } else {
                // The kill came after the commit's rename.
                #expect(reader.generation == committed.generation + 1)
                #expect(reader.documentCount == total)
                committed = (reader.generation, reader.documentCount)
            }
            try reader.verify()
            if reader.documentCount == 5 {
                let snapshot = try IndexProbe.snapshot(reader)
                #expect(snapshot.stored.values.flatMap(\.values).map(\.id).sorted() == (try Fixtures.names))
            } else {
                #expect(try reader.document(id: "bulk/bulk0/copy 7_3.txt") != nil)
            }
            #expect(wasRunning || result.status == 0, "the indexer failed on its own: \(result.stderr)")
        }
        if committed.documents != 5 {
            print("note: a kill came after the commit (\(committed)); later kills interrupted no-op runs")
        }

        // A complete run after the kills: everything indexed, nothing left over.
        let done = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index], outputDirectory: box.root.path)
        #expect(done.status == 0, "stderr: \(done.stderr)")
        print("final run: \(done.stdout)")
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == total)
        let manifest = try Manifest.read(directory: box.index)
        #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]), "leftover files after a complete run")
        let last = Self.bulkCopies - 1
        let doc = try #require(try reader.document(id: "bulk/bulk\(last / 100)/copy \(last)_4.txt"))
        #expect(doc.text.hasSuffix("bulk copy \(last) of 4\n"))
        #expect(try IndexProbe.documents(containing: "两张卷", in: reader).count == 1 + Self.bulkCopies)
    }

    /// A second indexer gives up after `--lock-timeout`, naming the running one.
    @Test func secondIndexerIsRefusedWhileTheLockIsHeld() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("lock")
        try box.addBulk(copies: Self.bulkCopies)
        // Stopped while it holds the lock: it keeps it for as long as this test needs.
        let holder = try startIndexerHoldingTheLock(ipsearch, box)
        defer { if holder.isRunning { holder.kill() }; _ = holder.wait() }

        // (It waits the timeout before giving up: a lower bound only, which load cannot break.)
        let started = ContinuousClock.now
        let second = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--lock-timeout", "0.2"],
                                 outputDirectory: box.root.path)
        let elapsed = ContinuousClock.now - started
        #expect(!second.signaled && second.status == 2, "status \(second.status), stderr: \(second.stderr)")
        #expect(second.stderr.contains("another `ipsearch index` is running"), "stderr: \(second.stderr)")
        #expect(second.stderr.contains("pid \(holder.pid)"), "stderr: \(second.stderr)")
        #expect(elapsed >= .milliseconds(200), "gave up after \(elapsed)")

        // In-process, no waiting.
        var options = box.options()
        options.lockTimeout = 0
        var waitedFor: [String] = []
        do {
            _ = try Indexer.run(options, waiting: { waitedFor.append($0) })
            Issue.record("Indexer.run succeeded while another process held the lock")
        } catch {
            #expect(error == .locked(path: box.index + "/write.lock", holder: "pid \(holder.pid)"))
            #expect(error.description.contains("another `ipsearch index` is running"))
        }
        #expect(waitedFor == ["pid \(holder.pid)"])
        #expect(holder.isRunning)

        // The kernel drops the lock of a killed indexer: no stale lock.
        holder.kill()
        _ = holder.wait()
        // Killed during its first run: still no index (not a damaged one), only index-file leftovers.
        #expect(throws: IndexError.noIndex(directory: box.index)) { _ = try IndexReader(directory: box.index) }
        #expect(box.indexFiles().subtracting(["write.lock"]).allSatisfy { Indexer.isIndexFile($0) }, "\(box.indexFiles().sorted())")
        _ = try DirectoryLock(directory: box.index, timeout: 0, waiting: { holder in Issue.record("lock still held by \(holder)") })
    }

    /// Runs `attempt` (which must throw) 20,000 times while another thread keeps taking a resource
    /// and checking it is still its own (`probe`: false when it was taken away under it). Returns
    /// how many attempts threw, how many probes ran and how many found their resource gone.
    static func refusals(_ attempt: () throws -> Void, whileProbing probe: @escaping @Sendable () -> Bool?) -> (refused: Int, probes: Int, lost: Int) {
        let stop = Locked(false)
        let done = DispatchSemaphore(value: 0)
        let lost = Locked(0), probes = Locked(0)
        let prober = Thread {
            var n = 0, gone = 0
            while !stop.get() {
                guard let kept = probe() else { continue }
                n += 1
                if !kept { gone += 1 }
            }
            probes.modify { $0 = n }
            lost.modify { $0 = gone }
            done.signal()
        }
        prober.start()
        var refused = 0
        for _ in 0..<20_000 {
            do { try attempt() } catch { refused += 1 }
        }
        stop.modify { $0 = true }
        done.wait()
        return (refused, probes.get(), lost.get())
    }

    /// A lock that times out closes its descriptor once. It used to close it twice: once before
    /// throwing and again in `deinit` (a class initializer that throws after setting every stored
    /// property runs `deinit`). The second close hit whatever file another thread had opened in
    /// between: here a file this test keeps opening and reading, elsewhere an index file being
    /// written (which then received another file's bytes).
    @Test func aRefusedLockClosesItsDescriptorOnce() throws {
        let box = try Sandbox("lockclose", copyCorpus: false)
        try FileManager.default.createDirectory(atPath: box.index, withIntermediateDirectories: true)
        let held = try DirectoryLock(directory: box.index, timeout: nil, waiting: { _ in })
        let probe = box.root.path + "/probe"
        try Data("probe".utf8).write(to: URL(fileURLWithPath: probe))

        let result = Self.refusals({ _ = try DirectoryLock(directory: box.index, timeout: 0, waiting: { _ in }) }) {
            let fd = open(probe, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            // Closed under us: a read fails (EBADF) or reads another file.
            var byte: UInt8 = 0
            return (0..<8).allSatisfy { _ in pread(fd, &byte, 1, 0) == 1 && byte == UInt8(ascii: "p") }
        }
        withExtendedLifetime(held) {}
        #expect(result.refused == 20_000)
        #expect(result.probes > 0)
        #expect(result.lost == 0, "\(result.lost) of \(result.probes) descriptors were closed under their owner")
    }

    /// A file refused for its header is unmapped once. It used to be unmapped twice (before
    /// throwing and again in `deinit`), the second time taking away whatever another thread had
    /// mapped at that address in between.
    @Test func aRefusedFileIsUnmappedOnce() throws {
        let box = try Sandbox("unmap", copyCorpus: false)
        let damaged = box.root.path + "/seg.docs", probe = box.root.path + "/probe"
        try Data(repeating: UInt8(ascii: "x"), count: 100).write(to: URL(fileURLWithPath: damaged))
        try Data(repeating: UInt8(ascii: "p"), count: 100).write(to: URL(fileURLWithPath: probe))
        let fd = open(probe, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }

        let result = Self.refusals({ _ = try MappedFile(path: damaged, component: .documents, verifyChecksum: false) }) {
            guard let p = mmap(nil, 100, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else { return nil }
            defer { munmap(p, 100) }
            // Unmapped under us: msync reports the range as not mapped (ENOMEM), without a fault.
            return (0..<8).allSatisfy { _ in msync(p, 100, MS_ASYNC) == 0 }
        }
        #expect(result.refused == 20_000)
        #expect(result.probes > 0)
        #expect(result.lost == 0, "\(result.lost) of \(result.probes) maps were unmapped under their owner")
    }

    /// Without a timeout a second indexer waits for the lock, says so, and then does its work.
    @Test func secondIndexerWaitsForTheLock() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("lockwait")
        try FileManager.default.createDirectory(atPath: box.index, withIntermediateDirectories: true)
        var lock: DirectoryLock? = try DirectoryLock(directory: box.index, timeout: 0, waiting: { _ in })
        let process = try ChildProcess(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index],
                                      outputDirectory: box.root.path)
        // It says it waits (the event), and is then still waiting.
        let said = process.waitForOutput { _, stderr in stderr.contains("waiting") }
        #expect(said, "the indexer did not say it waits; stderr: \(process.stderr)")
        #expect(process.isRunning, "the indexer did not wait for the lock")
        #expect(!FileManager.default.fileExists(atPath: box.index + "/manifest.json"), "it committed while the lock was held")
        withExtendedLifetime(lock) {}
        lock = nil  // releases it
        let result = process.wait(timeout: 60)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("another `ipsearch index` is running (pid \(getpid()))"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("waiting"), "stderr: \(result.stderr)")
        #expect(result.stdout.contains("added 5"), "stdout: \(result.stdout)")
        #expect(try IndexReader(directory: box.index).documentCount == 5)
    }

    /// While an indexer commits over and over, every snapshot a reader opens is one whole commit.
    @Test func readersNeverSeeHalfWrittenCommits() throws {
        let box = try Sandbox("readers")
        try box.write("churn.txt", "翻动的文件 版本0\n")
        try box.run()

        let stop = Locked(false)
        let finished = DispatchSemaphore(value: 0)
        let writerErrors = Locked<[String]>([])
        let commits = Locked(0)
        let writer = Thread {
            var n = 0
            while !stop.get() {
                n += 1
                do {
                    if n % 2 == 1 { try box.write("extra.txt", "额外的文件:第\(n)次加入。\n") } else { try box.remove("extra.txt") }
                    try box.write("churn.txt", "翻动的文件 版本\(n) " + String(repeating: "字", count: n % 5) + "\n")
                    var options = box.options()
                    options.threads = 1
                    if try Indexer.run(options).committed { commits.modify { $0 += 1 } }
                } catch {
                    writerErrors.modify { $0.append("\(error)") }
                    break
                }
            }
            finished.signal()
        }
        writer.start()

        let base = Set(try Fixtures.names + ["churn.txt"])
        var snapshots = 0
        var generations = Set<Int>()
        var counts = Set<Int>()
        // Read until the writer has committed a few times and the reader has seen two generations
        // (events, not a time span); the deadline only guards against a hang.
        let deadline = ContinuousClock.now + .seconds(300)
        while (commits.get() < 6 || generations.count < 2 || snapshots < 10) && writerErrors.get().isEmpty
                && ContinuousClock.now < deadline {
            do {
                let reader = try IndexReader(directory: box.index)
                let ids = try IndexProbe.liveIDs(reader)
                #expect(ids.count == reader.documentCount, "generation \(reader.generation)")
                #expect(reader.documentCount == 6 || reader.documentCount == 7, "generation \(reader.generation): \(reader.documentCount) documents")
                #expect(Set(ids).count == ids.count, "duplicate ids in generation \(reader.generation)")
                #expect(Set(ids).subtracting(base).isSubset(of: ["extra.txt"]) && base.isSubset(of: Set(ids)),
                        "generation \(reader.generation): \(ids.sorted())")
                for segment in reader.segments {
                    for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                        let stored = try segment.storedDocument(doc)
                        #expect(!stored.text.isEmpty)
                    }
                }
                #expect(try IndexProbe.documents(containing: "翻动的文件", in: reader) == ["churn.txt"])
                generations.insert(reader.generation)
                counts.insert(reader.documentCount)
                snapshots += 1
            } catch {
                Issue.record("a reader failed while the index was being updated: \(error)")
            }
        }
        stop.set(true)
        #expect(finished.wait(timeout: .now() + 300) == .success, "the writer did not stop")
        #expect(writerErrors.get().isEmpty, "writer: \(writerErrors.get())")
        print("readers: \(snapshots) snapshots over \(generations.count) generations, \(commits.get()) commits, counts \(counts.sorted())")
        #expect(commits.get() >= 6)
        #expect(generations.count >= 2)
        #expect(snapshots >= 10)
    }
}
