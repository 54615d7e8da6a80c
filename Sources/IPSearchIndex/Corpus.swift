#if canImport(Glibc)
import Glibc
#endif

/// The documents of a corpus directory: every `.txt` and `.md` file below it, recursively (hidden
/// files and directories skipped). A document's id is its path relative to the directory, with `/`.
public struct CorpusFile: Equatable, Sendable {
    public var id: String
    public var path: String
    public var size: UInt64
    public var mtimeNanoseconds: Int64
}

/// The documents a walk found, held compactly: the UTF-8 bytes of every id in one buffer, a size and
/// a modification time each, and a path only for the few files not at `root/id` (links followed to
/// their target). About 45 bytes a file instead of two heap strings and a struct (over 200 bytes),
/// so listing a million files stays in tens of megabytes. A `CorpusFile` is made on access.
public struct CorpusFiles: RandomAccessCollection, Sendable {
    public let root: String
    private var ids = IDBuffer()
    private var sizes: [UInt64] = []
    private var mtimes: [Int64] = []
    /// Paths of files that are not at `root/id`, by index.
    private var otherPaths: [Int: String] = [:]

    public init(root: String) { self.root = root }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ids.count }

    public subscript(i: Int) -> CorpusFile {
        let id = ids[i]
        return CorpusFile(id: id, path: otherPaths[i] ?? root + "/" + id, size: sizes[i], mtimeNanoseconds: mtimes[i])
    }

    mutating func append(_ file: CorpusFile) {
        ids.append(file.id)
        sizes.append(file.size)
        mtimes.append(file.mtimeNanoseconds)
        if file.path != root + "/" + file.id { otherPaths[ids.count - 1] = file.path }
    }

    /// These files without the ids in `excluded`, sorted by id (`IDBuffer`'s order), so a corpus is
    /// processed in the same order on every run.
    func sortedByID(excluding excluded: Set<String>) -> CorpusFiles {
        var sorted = CorpusFiles(root: root)
        sorted.ids.reserveCapacity(ids: ids.count, bytes: ids.byteCount)
        for i in ids.order() {
            let file = self[Int(i)]
            if !excluded.isEmpty && excluded.contains(file.id) { continue }
            sorted.append(file)
        }
        return sorted
    }
}

/// Walks a corpus directory.
///
/// The walk opens every directory relative to its parent (`openat`, `fdopendir`): neither the depth
/// nor the length of a path limits it, and it holds at most `maxOpenDirectories` descriptors
/// (each directory is read completely and closed; an ancestor that has to be left closed is
/// reopened by name when the walk returns to it).
///
/// Rules (README, "Reliability"):
/// - a directory that cannot be opened or read is reported (its id and the reason) and listed in
///   `unreadableDirectories`: the indexer keeps the documents indexed from it before;
/// - a symbolic link is followed only when its resolved target (`realpath`) is a regular file inside
///   the corpus directory; a link to a directory, a link pointing outside the corpus, a dangling link
///   and a FIFO, socket or device with a document's extension are listed as skipped, with the reason.
public enum Corpus {
    public static let extensions: Set<String> = ["txt", "md", "html", "htm"]

    /// Settings files at the top of the corpus folder, never documents: the user's spam keywords
    /// (`SpamFilter`) and synonyms (query expansion).
    public static let settingsFiles: Set<String> = ["spam-keywords.txt", "synonyms.txt"]

    /// Descriptors the walk keeps open at most (besides the one of the corpus directory itself).
    public static let maxOpenDirectories = 8

    public static func scan(_ directory: String) throws(IndexError) -> CorpusFiles {
        var problems: [IndexSummary.Skipped] = []
        return try scan(directory, problems: &problems)
    }

    /// Like `scan`, also reporting entries that cannot be documents (file names that are not UTF-8,
    /// links that are not followed, unreadable directories).
    public static func scan(_ directory: String, problems: inout [IndexSummary.Skipped]) throws(IndexError) -> CorpusFiles {
        var unreadable: [String] = []
        return try scan(directory, problems: &problems, unreadable: &unreadable)
    }

    /// Like `scan(_:problems:)`; `unreadable` receives the ids of the directories (and entries) that
    /// could not be read: whatever was indexed below them must be kept, not treated as deleted
    /// (`Corpus.covers`).
    public static func scan(_ directory: String, problems: inout [IndexSummary.Skipped],
                            unreadable: inout [String]) throws(IndexError) -> CorpusFiles {
        var walk = try Walk(root: directory)
        defer { walk.closeAll() }
        walk.run()
        problems.append(contentsOf: walk.problems)
        unreadable.append(contentsOf: walk.unreadable)
        return walk.files.sortedByID(excluding: settingsFiles)
    }

    /// Throws `corpusUnreadable` unless `directory` is a directory that can be listed.
    public static func requireDirectory(_ directory: String) throws(IndexError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw IndexError.corpusUnreadable(path: directory, reason: code == ENOTDIR ? "not a directory" : reason(code))
        }
        close(fd)
    }

    /// The walk alone, with the most descriptors it held at once (besides the root's and the one
    /// being listed): for tests of the bound.
    static func walkForTesting(_ directory: String) throws(IndexError) -> (files: [CorpusFile], peakOpenDirectories: Int) {
        var walk = try Walk(root: directory)
        defer { walk.closeAll() }
        walk.run()
        return (Array(walk.files.sortedByID(excluding: [])), walk.peakOpenCount)
    }

    /// Whether `id` is one of `prefixes` or lies below one of them.
    public static func covers(_ prefixes: [String], _ id: String) -> Bool {
        for p in prefixes where id == p || (id.hasPrefix(p) && id.utf8.dropFirst(p.utf8.count).first == UInt8(ascii: "/")) {
            return true
        }
        return false
    }

    /// The bytes of a corpus file. Opens it without following a link in its last component (a
    /// followed link's path is its resolved target already) and without blocking on a FIFO that
    /// replaced it; a path longer than `PATH_MAX` is opened component by component.
    public static func read(_ file: CorpusFile) throws(IndexError) -> [UInt8] {
        let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
        var fd = open(file.path, flags)
        if fd < 0 && errno == ENAMETOOLONG { fd = openLongPath(file.path, flags: flags) }
        if fd < 0 { throw IndexError.io(path: file.path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IndexError.io(path: file.path, operation: "stat", errno: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw IndexError.io(path: file.path, operation: "open", errno: EINVAL) }
        return try DurableIO.readAll(fd, path: file.path, sizeHint: Int(clamping: st.st_size))
    }

    /// Linux's `O_PATH` (Glibc exports it only with `_GNU_SOURCE`): a handle for `openat` that needs
    /// search permission only.
    static let oPath: Int32 = 0o10000000

    /// Opens a path of any length: each directory relative to the previous one.
    static func openLongPath(_ path: String, flags: Int32) -> Int32 {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = parts.popLast() else { errno = ENOENT; return -1 }
        var dir = open(path.hasPrefix("/") ? "/" : ".", oPath | O_DIRECTORY | O_CLOEXEC)
        for part in parts {
            guard dir >= 0 else { return -1 }
            let next = openat(dir, part, oPath | O_DIRECTORY | O_CLOEXEC)
            let saved = errno
            close(dir)
            errno = saved
            dir = next
        }
        guard dir >= 0 else { return -1 }
        let fd = openat(dir, last, flags)
        let saved = errno
        close(dir)
        errno = saved
        return fd
    }

    /// The reason a file over the size limit is skipped: "it is 200 MB, over the 64 MB limit …".
    public static func tooLarge(_ size: UInt64, limit: UInt64) -> String {
        "it is \(megabytes(size)), over the maximum file size of \(megabytes(limit)) (raise it with --max-file-size); a version indexed before is kept"
    }

    /// "64 MB", "1.5 MB", "512 bytes" (MB = 2^20 bytes, like --max-file-size).
    public static func megabytes(_ bytes: UInt64) -> String {
        if bytes < 1 << 20 { return "\(bytes) bytes" }
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return tenths % 10 == 0 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func hasDocumentExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// One walk: a stack of directories from the root to the one being read.
    struct Walk {
        struct Frame {
            var fd: Int32
            /// Name relative to the parent (empty for the root).
            var name: String
            var id: String
            var path: String
            var device: UInt64
            var inode: UInt64
            /// Subdirectories not visited yet (name, in reverse order: the next is last).
            var pending: [String] = []
        }

        var stack: [Frame] = []
        var files: CorpusFiles
        var problems: [IndexSummary.Skipped] = []
        var unreadable: [String] = []
        /// The corpus directory after `realpath`, with a trailing `/`.
        let realRoot: String
        var openCount = 0 { didSet { peakOpenCount = max(peakOpenCount, openCount) } }
        /// Most subdirectory descriptors open at once (tests check the bound).
        var peakOpenCount = 0

        init(root: String) throws(IndexError) {
            let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw IndexError.corpusUnreadable(path: root, reason: code == ENOTDIR ? "not a directory" : Corpus.reason(code))
            }
            var st = stat()
            fstat(fd, &st)
            guard let resolved = realpath(root, nil) else {
                let code = errno
                close(fd)
                throw IndexError.corpusUnreadable(path: root, reason: Corpus.reason(code))
            }
            let real = String(cString: resolved)
            free(resolved)
            realRoot = real.hasSuffix("/") ? real : real + "/"
            files = CorpusFiles(root: root)
            stack = [Frame(fd: fd, name: "", id: "", path: root, device: UInt64(st.st_dev), inode: UInt64(st.st_ino))]
            // The root must be readable: a corpus that cannot be listed is an error, not an empty corpus.
            guard let entries = list(fd) else {
                let code = errno
                close(fd)
                throw IndexError.corpusUnreadable(path: root, reason: Corpus.reason(code))
            }
            stack[0].pending = []
            process(entries, frame: 0)
        }

        mutating func closeAll() {
            for i in stack.indices where stack[i].fd >= 0 {
                close(stack[i].fd)
                stack[i].fd = -1
            }
        }

        mutating func run() {
            while let top = stack.indices.last {
                guard let name = stack[top].pending.popLast() else {
                    if stack[top].fd >= 0 && top > 0 { close(stack[top].fd); openCount -= 1 }
                    if top == 0 { return }
                    stack.removeLast()
                    continue
                }
                let parentID = stack[top].id, parentPath = stack[top].path
                let id = parentID.isEmpty ? name : parentID + "/" + name
                guard let parentFD = descriptor(top) else { continue }
                makeRoom(keeping: top)
                let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if fd < 0 {
                    failed(id, errno)
                    continue
                }
                // The parent is not needed again unless it has more subdirectories.
                if top > 0 && stack[top].pending.isEmpty { close(stack[top].fd); stack[top].fd = -1; openCount -= 1 }
                var st = stat()
                fstat(fd, &st)
                stack.append(Frame(fd: fd, name: name, id: id, path: parentPath + "/" + name,
                                   device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
                openCount += 1
                guard let entries = list(fd) else {
                    failed(id, errno)
                    stack[stack.count - 1].pending = []
                    continue
                }
                process(entries, frame: stack.count - 1)
            }
        }

        /// An unreadable directory: reported, and its previously indexed documents kept.
        mutating func failed(_ id: String, _ code: Int32) {
            unreadable.append(id)
            let hint = code == EMFILE || code == ENFILE ? " (raise the limit: ulimit -n)" : ""
            problems.append(.init(id: id + "/", reason: "the directory cannot be read: \(Corpus.reason(code))\(hint); the documents indexed from it before are kept"))
        }

        /// Before opening one more: closes the descriptors of the shallowest open ancestors (not
        /// `stack[k]`, about to be used) until one more fits in the budget.
        mutating func makeRoom(keeping k: Int) {
            var i = 1
            while openCount >= maxOpenDirectories && i < stack.count {
                if i != k && stack[i].fd >= 0 { close(stack[i].fd); stack[i].fd = -1; openCount -= 1 }
                i += 1
            }
        }

        /// The open descriptor of `stack[k]`, reopening it (and the closed ancestors on the way) by
        /// name from the nearest open ancestor; nil (reported) if that fails or finds another directory.
        mutating func descriptor(_ k: Int) -> Int32? {
            if stack[k].fd >= 0 { return stack[k].fd }
            makeRoom(keeping: k)
            var j = k
            while stack[j].fd < 0 { j -= 1 }  // the root (0) is always open
            var fd = stack[j].fd
            for i in (j + 1)...k {
                let next = openat(fd, stack[i].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                let code = errno
                if i - 1 > j { close(fd) }
                guard next >= 0 else {
                    failed(stack[k].id, code)
                    stack[k].pending = []
                    return nil
                }
                var st = stat()
                fstat(next, &st)
                guard UInt64(st.st_dev) == stack[i].device && UInt64(st.st_ino) == stack[i].inode else {
                    close(next)
                    failed(stack[k].id, ESTALE)
                    stack[k].pending = []
                    return nil
                }
                fd = next
            }
            stack[k].fd = fd
            openCount += 1
            return stack[k].fd
        }

        struct Entry {
            var raw: [UInt8]
        }

        /// Every entry of the directory (a duplicate of `fd` is read and closed); nil with errno set
        /// when it cannot be read.
        func list(_ fd: Int32) -> [Entry]? {
            DirectoryListing.rawNames(fd: fd)?.map(Entry.init(raw:)).sorted { $0.raw.lexicographicallyPrecedes($1.raw) }
        }

        /// Classifies the entries of `stack[k]` (whose descriptor is open): files are collected,
        /// subdirectories queued, the rest reported.
        mutating func process(_ entries: [Entry], frame k: Int) {
            let fd = stack[k].fd
            let prefix = stack[k].id
            var subdirectories: [String] = []
            for entry in entries {
                let raw = entry.raw
                if raw.isEmpty || raw.first == UInt8(ascii: ".") { continue }
                guard let name = String(validating: raw, as: UTF8.self) else {
                    // Ids are UTF-8 paths; a GBK name from a Windows archive has to be renamed first.
                    let shown = String(decoding: raw, as: UTF8.self)
                    problems.append(.init(id: prefix.isEmpty ? shown : prefix + "/" + shown,
                                          reason: "its file name is not valid UTF-8 (rename it, e.g. with convmv -f gbk -t utf8)"))
                    continue
                }
                let id = prefix.isEmpty ? name : prefix + "/" + name
                let path = stack[k].path + "/" + name
                var st = stat()
                guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                    let code = errno
                    if code == ENOENT { continue }  // deleted while we read the directory
                    unreadable.append(id)
                    problems.append(.init(id: id, reason: "cannot be examined: \(Corpus.reason(code)); what was indexed from it before is kept"))
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    subdirectories.append(name)
                case S_IFREG:
                    if hasDocumentExtension(name) { files.append(file(id, path, st)) }
                case S_IFLNK:
                    link(id: id, name: name, path: path, in: fd)
                case S_IFIFO:
                    if hasDocumentExtension(name) { problems.append(.init(id: id, reason: "it is a FIFO (named pipe), not a regular file")) }
                case S_IFSOCK:
                    if hasDocumentExtension(name) { problems.append(.init(id: id, reason: "it is a socket, not a regular file")) }
                default:
                    if hasDocumentExtension(name) { problems.append(.init(id: id, reason: "it is a device, not a regular file")) }
                }
            }
            stack[k].pending = subdirectories.reversed()
        }

        /// The symbolic link rule: followed only to a regular file inside the corpus directory.
        mutating func link(id: String, name: String, path: String, in fd: Int32) {
            var target = stat()
            guard fstatat(fd, name, &target, 0) == 0 else {
                let code = errno
                let reason = code == ENOENT ? "it is a dangling symbolic link (its target does not exist)"
                    : code == ELOOP ? "it is a symbolic link loop" : "its symbolic link cannot be followed: \(Corpus.reason(code))"
                problems.append(.init(id: id, reason: reason))
                return
            }
            let type = target.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFDIR else {
                if hasDocumentExtension(name) { problems.append(.init(id: id, reason: "it is a symbolic link to something that is not a regular file")) }
                return
            }
            // (A link to a non-document file is not a document either: nothing to report.)
            if type == S_IFREG && !hasDocumentExtension(name) { return }
            guard let resolved = realpath(path, nil) else {
                problems.append(.init(id: id, reason: "its symbolic link cannot be resolved: \(Corpus.reason(errno))"))
                return
            }
            let real = String(cString: resolved)
            free(resolved)
            guard real.hasPrefix(realRoot) || real + "/" == realRoot else {
                problems.append(.init(id: id, reason: "it is a symbolic link to \(real), outside the corpus: not followed"))
                return
            }
            if type == S_IFDIR {
                let inside = String(real.dropFirst(realRoot.count))
                problems.append(.init(id: id, reason: "it is a symbolic link to a directory (\(inside.isEmpty ? "the corpus itself" : inside)): not followed; that directory is indexed under its own path"))
                return
            }
            files.append(file(id, real, target))
        }

        func file(_ id: String, _ path: String, _ st: stat) -> CorpusFile {
            let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            return CorpusFile(id: id, path: path, size: UInt64(st.st_size), mtimeNanoseconds: mtime)
        }
    }
}

/// FNV-1a, 64 bits: the content hash that decides whether a file changed.
enum ContentHash {
    static func of(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { b in
            for byte in b { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return h
    }
}
