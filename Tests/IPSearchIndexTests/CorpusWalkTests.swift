import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// Runs the `ipsearch` executable as an unprivileged user, so that directory permissions apply
/// (root reads a `chmod 000` directory anyway): as uid/gid 65534 through `setpriv` when the tests run
/// as root, directly otherwise.
enum Unprivileged {
    static let uid: UInt32 = 65534
    static let setpriv: String? = executable(["/usr/bin/setpriv", "/bin/setpriv"])

    static func executable(_ candidates: [String]) -> String? {
        for c in candidates where access(c, X_OK) == 0 { return c }
        return nil
    }

    /// The command line prefix, or the reason the machine cannot drop privileges.
    static var prefix: Result<[String], TestFailureReason> {
        if getuid() != 0 { return .success([]) }
        guard let setpriv else { return .failure(TestFailureReason("running as root and no setpriv to drop privileges")) }
        return .success([setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"])
    }

    /// Runs `ipsearch arguments` as the unprivileged user; nil (reason printed) when impossible.
    static func run(_ ipsearch: String, _ arguments: [String], outputDirectory: String) throws -> ProcessResult? {
        switch prefix {
        case .failure(let reason):
            print("skipped: \(reason.text)")
            return nil
        case .success(let prefix):
            if prefix.isEmpty { return try CLI.run(ipsearch, arguments, outputDirectory: outputDirectory) }
            return try CLI.run(prefix[0], Array(prefix.dropFirst()) + [ipsearch] + arguments, outputDirectory: outputDirectory)
        }
    }

    /// Gives the tree to the unprivileged user (when root) so that it can read the corpus and write
    /// the index; the sandbox's own directory becomes traversable.
    static func handOver(_ root: String) {
        guard getuid() == 0 else { return }
        chmod(root, 0o755)
        lchown(root, uid, uid)
        for sub in FileManager.default.subpaths(atPath: root) ?? [] { lchown(root + "/" + sub, uid, uid) }
    }
}

struct TestFailureReason: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

/// Paths of any length and depth, made and removed relative to their parent directory.
enum DeepTree {
    /// Creates `components` as nested directories below `root` and the file `name` with `bytes` in
    /// the last one.
    static func make(root: String, components: [String], file name: String, bytes: [UInt8]) throws {
        var fd = open(root, O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        for c in components {
            #expect(mkdirat(fd, c, 0o755) == 0 || errno == EEXIST, "mkdirat \(c): \(String(cString: strerror(errno)))")
            let next = openat(fd, c, O_RDONLY | O_DIRECTORY)
            close(fd)
            try #require(next >= 0, "openat \(c)")
            fd = next
        }
        let file = openat(fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        close(fd)
        try #require(file >= 0)
        #expect(write(file, bytes, bytes.count) == bytes.count)
        close(file)
    }

    /// Removes `name` below `dirfd` recursively, whatever the depth (FileManager cannot past PATH_MAX).
    static func remove(_ name: String, in parent: Int32) {
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        if fd < 0 { unlinkat(parent, name, 0); return }
        if let dir = fdopendir(fd) {
            var names: [String] = []
            while let e = readdir(dir) {
                let n = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
                if n != "." && n != ".." { names.append(n) }
            }
            for n in names { remove(n, in: dirfd(dir)) }
            closedir(dir)
        } else {
            close(fd)
        }
        unlinkat(parent, name, AT_REMOVEDIR)
    }
}

@Suite struct CorpusWalkTests {
    /// A directory that becomes unreadable is reported and its documents kept: the run exits 1 and
    /// removes nothing (it used to report "removed N" and exit 0). Run as an unprivileged user.
    @Test func unreadableDirectoryKeepsItsDocuments() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("unreadable-dir")
        try box.write("d01/a.txt", "目录d01里的新闻稿:专利开放许可 udq1。\n")
        try box.write("d01/sub/b.txt", "更深一层的新闻稿:商标异议 udq2。\n")
        try box.write("d02/c.txt", "另一个目录:地理标志 udq3。\n")
        Unprivileged.handOver(box.root.path)
        let args = ["index", "--corpus", box.corpus, "--index", box.index, "--threads", "2"]
        guard let first = try Unprivileged.run(ipsearch, args, outputDirectory: box.root.path) else { return }
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let ids = try IndexProbe.liveIDs(try IndexReader(directory: box.index)).sorted()
        #expect(ids.count == 8)

        let d01 = box.corpus + "/d01"
        defer { chmod(d01, 0o755) }
        // Unreadable (000), then listable but not searchable (r--: names known, entries not examinable).
        for mode: mode_t in [0o000, 0o444, 0o311] {
            #expect(chmod(d01, mode) == 0)
            let run = try #require(try Unprivileged.run(ipsearch, args, outputDirectory: box.root.path))
            let shown = String(mode, radix: 8)
            #expect(run.status == 1, "mode \(shown): status \(run.status), stderr: \(run.stderr)")
            #expect(run.stderr.contains("d01"), "mode \(shown): \(run.stderr)")
            #expect(run.stderr.contains("Permission denied"), "mode \(shown): \(run.stderr)")
            #expect(run.stdout.contains("removed 0"), "mode \(shown): \(run.stdout)")
            #expect(try IndexProbe.liveIDs(try IndexReader(directory: box.index)).sorted() == ids, "mode \(shown)")
        }
        #expect(chmod(d01, 0o755) == 0)
        let readable = try #require(try Unprivileged.run(ipsearch, args, outputDirectory: box.root.path))
        #expect(readable.status == 0, "stderr: \(readable.stderr)")
        #expect(readable.stdout.contains("unchanged 8"), "\(readable.stdout)")
    }

    /// In-process (no privileges needed): the unreadable prefixes the scan reports protect exactly
    /// the ids below them.
    @Test func coversMatchesWholeComponents() {
        #expect(Corpus.covers(["d01"], "d01/a.txt"))
        #expect(Corpus.covers(["d01"], "d01/sub/b.txt"))
        #expect(Corpus.covers(["d01/x.txt"], "d01/x.txt"))
        #expect(!Corpus.covers(["d01"], "d011/a.txt"))
        #expect(!Corpus.covers(["d01"], "d0"))
        #expect(!Corpus.covers([], "d01/a.txt"))
    }

    /// A corpus 12 levels deep, with a file and a side directory at every level, re-indexed with 20
    /// descriptors (`prlimit --nofile=20`): nothing is lost (it used to say "removed 5", exit 0).
    @Test func fewDescriptorsLoseNothing() throws {
        let ipsearch = try Repository.ipsearch()
        guard let prlimit = Unprivileged.executable(["/usr/bin/prlimit", "/bin/prlimit"]) else {
            print("skipped: no prlimit on this machine")
            return
        }
        let box = try Sandbox("descriptors", copyCorpus: false)
        var path = ""
        for level in 0..<12 {
            path = path.isEmpty ? "L\(level)" : path + "/L\(level)"
            try box.write(path + "/f\(level).txt", "第\(level)层的文件:集成电路布图设计 fdq\(level)。\n")
            try box.write(path + "/side\(level)/s.txt", "第\(level)层的旁支目录:植物新品种 sdq\(level)。\n")
        }
        let built = try box.run()
        #expect(built.added == 24 && built.skipped.isEmpty)

        let limited = try CLI.run(prlimit, ["--nofile=20:20", ipsearch, "index", "--corpus", box.corpus, "--index", box.index,
                                            "--threads", "2"], outputDirectory: box.root.path)
        #expect(limited.status == 0, "status \(limited.status), stderr: \(limited.stderr)")
        #expect(limited.stdout.contains("removed 0, unchanged 24, skipped 0"), "\(limited.stdout) \(limited.stderr)")
        #expect(try IndexReader(directory: box.index).documentCount == 24)

        // A change 12 levels down is found with the same limit.
        try box.write(path + "/f11.txt", "第11层的文件改了:数据知识产权 fdqchanged。\n")
        let changed = try CLI.run(prlimit, ["--nofile=20:20", ipsearch, "index", "--corpus", box.corpus, "--index", box.index,
                                            "--threads", "1"], outputDirectory: box.root.path)
        #expect(changed.status == 0, "status \(changed.status), stderr: \(changed.stderr)")
        #expect(try IndexProbe.documents(containing: "fdqchanged", in: try IndexReader(directory: box.index)) == [path + "/f11.txt"])
    }

    /// The walk keeps at most `maxOpenDirectories` descriptors however wide and deep the tree: a tree
    /// of 40 levels with siblings everywhere is scanned completely.
    @Test func wideAndDeepTreeIsScannedCompletely() throws {
        let box = try Sandbox("wide-deep", copyCorpus: false)
        var expected: [String] = []
        var path = ""
        for level in 0..<40 {
            path = path.isEmpty ? "n\(level)" : path + "/n\(level)"
            for side in 0..<2 {
                let id = path + "/s\(side)/x.txt"
                try box.write(id, "旁支 \(level) \(side)\n")
                expected.append(id)
            }
        }
        let walk = try Corpus.walkForTesting(box.corpus)
        #expect(walk.files.map(\.id) == expected.sorted())
        #expect(walk.peakOpenDirectories <= Corpus.maxOpenDirectories)
        #expect(walk.peakOpenDirectories >= 2, "the tree should need several descriptors")
        #expect(try Corpus.scan(box.corpus).map(\.id) == expected.sorted())
    }

    /// Depth and path length do not limit the walk: a file 80 levels down and one whose path is longer
    /// than PATH_MAX (4096 bytes) are indexed, read and stored (they used to be ignored silently).
    @Test func deepAndLongPathsAreIndexed() throws {
        let box = try Sandbox("deep", copyCorpus: false)
        defer {
            let fd = open(box.root.path, O_RDONLY | O_DIRECTORY)
            DeepTree.remove("corpus", in: fd)
            close(fd)
        }
        let deep = (0..<80).map { "d\($0)" }
        try DeepTree.make(root: box.corpus, components: deep, file: "deep.txt", bytes: Array("八十层深的新闻稿:专利导航 deepq80。\n".utf8))
        let long = (0..<24).map { String(repeating: "长", count: 60) + "\($0)" }  // 24 × ~183 bytes
        let longText = "路径超过PATH_MAX的新闻稿:商业秘密保护 longq4096。\n"
        try DeepTree.make(root: box.corpus, components: long, file: "long.txt", bytes: Array(longText.utf8))
        let longID = (long + ["long.txt"]).joined(separator: "/")
        #expect((box.corpus + "/" + longID).utf8.count > Int(PATH_MAX))

        let summary = try box.run()
        #expect(summary.skipped.isEmpty, "\(summary.skipped)")
        #expect(summary.added == 2)
        let reader = try IndexReader(directory: box.index)
        #expect(try reader.document(id: (deep + ["deep.txt"]).joined(separator: "/")) != nil)
        #expect(try reader.document(id: longID)?.text == longText)
        #expect(try IndexProbe.documents(containing: "longq4096", in: reader) == [longID])
        #expect(try box.run().unchanged == 2)
    }

    /// The symbolic link rule: followed only to a regular file inside the corpus; everything else
    /// that looks like a document is listed as skipped with the reason.
    @Test func symbolicLinkRule() throws {
        let box = try Sandbox("symlink-rule", copyCorpus: false)
        let outside = try TempDirectory("symlink-outside")
        try Data("外部文件不可索引:outsideq1。\n".utf8).write(to: URL(fileURLWithPath: outside.path + "/secret.txt"))
        try FileManager.default.createDirectory(atPath: outside.path + "/dir", withIntermediateDirectories: true)
        try Data("外部目录里的文件:outsideq2。\n".utf8).write(to: URL(fileURLWithPath: outside.path + "/dir/x.txt"))
        try box.write("real/a.txt", "真实文件:insideq1。\n")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: box.path("inside.txt"), withDestinationPath: "real/a.txt")
        try fm.createSymbolicLink(atPath: box.path("passwd.txt"), withDestinationPath: outside.path + "/secret.txt")
        // A link inside the corpus to a link that leaves it: resolved, so not followed either.
        try fm.createSymbolicLink(atPath: box.path("real/hop.txt"), withDestinationPath: "../passwd.txt")
        try fm.createSymbolicLink(atPath: box.path("up.txt"), withDestinationPath: "../../" + (outside.path as NSString).lastPathComponent + "/secret.txt")
        try fm.createSymbolicLink(atPath: box.path("outdir"), withDestinationPath: outside.path + "/dir")
        try fm.createSymbolicLink(atPath: box.path("realdir"), withDestinationPath: "real")
        try fm.createSymbolicLink(atPath: box.path("loop"), withDestinationPath: box.corpus)
        try fm.createSymbolicLink(atPath: box.path("dangling.txt"), withDestinationPath: outside.path + "/missing.txt")
        try fm.createSymbolicLink(atPath: box.path("self.txt"), withDestinationPath: "self.txt")
        #expect(mkfifo(box.path("pipe.txt"), 0o644) == 0)
        #expect(mkfifo(box.path("pipe.dat"), 0o644) == 0)  // not a document name: not reported

        let summary = try box.run()
        let skipped = Dictionary(uniqueKeysWithValues: summary.skipped.map { ($0.id, $0.reason) })
        print("skipped: \(skipped)")
        #expect(Set(skipped.keys) == ["passwd.txt", "real/hop.txt", "up.txt", "outdir", "realdir", "loop", "dangling.txt", "self.txt", "pipe.txt"])
        for id in ["passwd.txt", "real/hop.txt", "up.txt", "outdir"] { #expect(skipped[id]?.contains("outside the corpus") == true, "\(id)") }
        #expect(skipped["realdir"]?.contains("directory") == true)
        #expect(skipped["loop"]?.contains("the corpus itself") == true)
        #expect(skipped["dangling.txt"]?.contains("dangling") == true)
        #expect(skipped["self.txt"]?.contains("loop") == true)
        #expect(skipped["pipe.txt"]?.contains("FIFO") == true)

        let reader = try IndexReader(directory: box.index)
        #expect(try IndexProbe.liveIDs(reader).sorted() == ["inside.txt", "real/a.txt"])
        #expect(try reader.document(id: "inside.txt")?.text == "真实文件:insideq1。\n")
        #expect(try IndexProbe.documents(containing: "outsideq1", in: reader).isEmpty)
        #expect(try IndexProbe.documents(containing: "outsideq2", in: reader).isEmpty)
    }

    /// A document indexed through a link that is later pointed outside the corpus is removed (it is no
    /// longer a document), never served with the outside file's text.
    @Test func linkRetargetedOutsideIsNotFollowed() throws {
        let box = try Sandbox("symlink-retarget", copyCorpus: false)
        let outside = try TempDirectory("symlink-retarget-outside")
        try Data("外部:retargetq1。\n".utf8).write(to: URL(fileURLWithPath: outside.path + "/x.txt"))
        try box.write("real/a.txt", "内部:insideq2。\n")
        try FileManager.default.createSymbolicLink(atPath: box.path("l.txt"), withDestinationPath: "real/a.txt")
        #expect(try box.run().added == 2)
        try FileManager.default.removeItem(atPath: box.path("l.txt"))
        try FileManager.default.createSymbolicLink(atPath: box.path("l.txt"), withDestinationPath: outside.path + "/x.txt")
        let s = try box.run()
        #expect(s.skipped.map(\.id) == ["l.txt"])
        let reader = try IndexReader(directory: box.index)
        #expect(try reader.document(id: "l.txt") == nil)
        #expect(try IndexProbe.documents(containing: "retargetq1", in: reader).isEmpty)
    }

    /// Files over `maxFileSize` are skipped with a message naming them; a version indexed before stays.
    @Test func filesOverTheSizeLimitAreSkipped() throws {
        let box = try Sandbox("max-size", copyCorpus: false)
        try box.write("small.txt", "小文件:知识产权 sizeq1。\n")
        try box.write("grows.txt", "会变大的文件:原来的版本 sizeq2。\n")
        #expect(try box.run { $0.maxFileSize = 4096 }.added == 2)

        let big = String(repeating: "大文件的内容:著作权登记。\n", count: 400)  // ~15 KB
        try box.write("big.txt", big)
        try box.write("grows.txt", big + "sizeq3")
        let s = try box.run { $0.maxFileSize = 4096 }
        let skipped = Dictionary(uniqueKeysWithValues: s.skipped.map { ($0.id, $0.reason) })
        #expect(Set(skipped.keys) == ["big.txt", "grows.txt"])
        #expect(skipped["big.txt"]?.contains("maximum file size of 4096 bytes") == true, "\(skipped)")
        #expect(s.removed == 0 && s.added == 0)
        let reader = try IndexReader(directory: box.index)
        #expect(try reader.document(id: "grows.txt")?.text == "会变大的文件:原来的版本 sizeq2。\n")
        #expect(try reader.document(id: "big.txt") == nil)
        // Over the limit no more: indexed.
        #expect(try box.run { $0.maxFileSize = 1 << 20 }.added == 1)
    }

    @Test func sizeWording() {
        #expect(Corpus.megabytes(512) == "512 bytes")
        #expect(Corpus.megabytes(64 << 20) == "64 MB")
        #expect(Corpus.megabytes(200 * 1_000_000) == "190.7 MB")
    }
}

/// The command line around the index: options, the lock.
@Suite struct IndexCommandTests {
    @Test func maxFileSizeOption() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("max-size-cli", copyCorpus: false)
        try box.write("small.txt", "小文件:知识产权 clisizeq1。\n")
        try box.write("big.txt", String(repeating: "大文件的内容:著作权登记。\n", count: 200))
        let r = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--max-file-size", "2K"],
                            outputDirectory: box.root.path)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("skipped big.txt: it is"), "\(r.stderr)")
        #expect(r.stderr.contains("--max-file-size"), "\(r.stderr)")
        #expect(try IndexProbe.liveIDs(try IndexReader(directory: box.index)) == ["small.txt"])
        for bad in ["0", "-1", "abc", "12Q", "2000000G"] {
            let refused = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--max-file-size", bad],
                                      outputDirectory: box.root.path)
            #expect(refused.status == 2 && refused.stderr.contains("--max-file-size"), "\(bad): \(refused.stderr)")
        }
    }

    /// A corpus that does not exist is an error (exit 2) that leaves nothing behind: no index
    /// directory, no `write.lock`.
    @Test func missingCorpusLeavesNoLock() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("missing-corpus-cli", copyCorpus: false)
        let r = try CLI.run(ipsearch, ["index", "--corpus", box.root.path + "/nonexistent", "--index", box.index],
                            outputDirectory: box.root.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("nonexistent"), "\(r.stderr)")
        #expect(access(box.index + "/write.lock", F_OK) != 0)
        #expect(access(box.index, F_OK) != 0)
    }

    @Test(arguments: ["nan", "-1", "inf", "-inf"])
    func lockTimeoutMustBeANumberOfSeconds(_ value: String) throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("lock-timeout-\(value)", copyCorpus: false)
        let r = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--lock-timeout", value],
                            outputDirectory: box.root.path, timeout: 30)
        #expect(r.status == 2, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("--lock-timeout"), "\(r.stderr)")
    }

    /// In-process, a NaN timeout gives up at once instead of waiting forever.
    @Test func nanTimeoutDoesNotWaitForever() throws {
        let box = try Sandbox("lock-nan", copyCorpus: false)
        try FileManager.default.createDirectory(atPath: box.index, withIntermediateDirectories: true)
        let held = try DirectoryLock(directory: box.index, timeout: nil, waiting: { _ in })
        defer { withExtendedLifetime(held) {} }
        var waited: [String] = []
        #expect(throws: IndexError.self) {
            _ = try DirectoryLock(directory: box.index, timeout: .nan, waiting: { waited.append($0) })
        }
        #expect(waited == ["pid \(getpid()), this process"])
    }

    /// The message names the process that holds the lock (asked from the kernel), not a pid left in
    /// `write.lock`.
    @Test func lockMessageNamesTheLiveHolder() throws {
        let ipsearch = try Repository.ipsearch()
        let box = try Sandbox("lock-holder")
        try box.addBulk(copies: 40)
        let holder = try startIndexerHoldingTheLock(ipsearch, box)
        defer { if holder.isRunning { holder.kill() }; _ = holder.wait() }
        // A stale pid in the file (as a crashed indexer of an older version would leave).
        let stale = "4194999\n"
        let fd = open(box.index + "/write.lock", O_WRONLY)
        #expect(pwrite(fd, stale, stale.utf8.count, 0) == stale.utf8.count)
        close(fd)

        let second = try CLI.run(ipsearch, ["index", "--corpus", box.corpus, "--index", box.index, "--lock-timeout", "0"],
                                 outputDirectory: box.root.path)
        #expect(holder.isRunning)
        #expect(second.status == 2)
        #expect(second.stderr.contains("pid \(holder.pid)"), "stderr: \(second.stderr)")
        #expect(!second.stderr.contains("4194999"), "stderr: \(second.stderr)")
    }
}
