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

public enum Corpus {
    public static let extensions: Set<String> = ["txt", "md"]

    public static func scan(_ directory: String) throws(IndexError) -> [CorpusFile] {
        var problems: [IndexSummary.Skipped] = []
        return try scan(directory, problems: &problems)
    }

    /// Like `scan`, also reporting entries that cannot be documents (file names that are not UTF-8).
    public static func scan(_ directory: String, problems: inout [IndexSummary.Skipped]) throws(IndexError) -> [CorpusFile] {
        var st = stat()
        guard stat(directory, &st) == 0 else {
            throw IndexError.corpusUnreadable(path: directory, reason: String(cString: strerror(errno)))
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw IndexError.corpusUnreadable(path: directory, reason: "not a directory")
        }
        var files: [CorpusFile] = []
        try walk(directory, prefix: "", into: &files, problems: &problems, depth: 0)
        files.sort { $0.id < $1.id }
        return files
    }

    private static func walk(_ dir: String, prefix: String, into files: inout [CorpusFile],
                             problems: inout [IndexSummary.Skipped], depth: Int) throws(IndexError) {
        guard depth < 64, let handle = opendir(dir) else {
            if depth == 0 { throw IndexError.corpusUnreadable(path: dir, reason: String(cString: strerror(errno))) }
            return
        }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: strlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self))))
            }
            if raw.first == UInt8(ascii: ".") { continue }
            guard let name = String(validating: raw, as: UTF8.self) else {
                // Ids are UTF-8 paths; a GBK name from a Windows archive has to be renamed first.
                let shown = String(decoding: raw, as: UTF8.self)
                problems.append(.init(id: prefix.isEmpty ? shown : prefix + "/" + shown,
                                      reason: "its file name is not valid UTF-8 (rename it, e.g. with convmv -f gbk -t utf8)"))
                continue
            }
            let path = dir + "/" + name
            let id = prefix.isEmpty ? name : prefix + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFLNK {
                // Follow links to files, not to directories (no cycles).
                guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            } else if type == S_IFDIR {
                try walk(path, prefix: id, into: &files, problems: &problems, depth: depth + 1)
                continue
            } else if type != S_IFREG {
                continue
            }
            guard let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) else { continue }
            let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            files.append(CorpusFile(id: id, path: path, size: UInt64(st.st_size), mtimeNanoseconds: mtime))
        }
    }

    /// Newest modification time of the corpus files and directories (for "the index is out of date").
    public static func newestChange(_ files: [CorpusFile]) -> Int64 {
        files.map(\.mtimeNanoseconds).max() ?? 0
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
