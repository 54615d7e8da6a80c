import CICU
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index's file IO in one place: whole-file reads, the one write-all loop, the one atomic
/// replacement (`atomicWrite`) used for every file the index commits by renaming, directory fsync,
/// and the one directory listing.
enum DurableIO {
    /// Writes all of `bytes` to `fd` (swift-system's `writeAll`: short writes and `EINTR` retried).
    /// Returns 0, or the errno of the failed `write(2)`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        do { _ = try FileDescriptor(rawValue: fd).writeAll(bytes) } catch {
            return (error as? Errno)?.rawValue ?? EIO
        }
        return 0
    }

    /// Opens an index file for reading; `.missingFile` when it does not exist.
    static func openForReading(_ path: String) throws(IndexError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw IndexError.missingFile(path: path) }
            throw IndexError.io(path: path, operation: "open", errno: errno)
        }
        return fd
    }

    /// The whole file; `.missingFile` when it does not exist.
    static func readWholeFile(_ path: String) throws(IndexError) -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// Everything left to read from `fd` (`path` names it in errors), retrying after `EINTR` and
    /// `EAGAIN` (a descriptor opened with `O_NONBLOCK`).
    static func readAll(_ fd: Int32, path: String, sizeHint: Int = 0) throws(IndexError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(sizeHint)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IndexError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Reads exactly `count` bytes at `offset` of `fd` into `buffer` (`pread(2)`, retried after
    /// `EINTR` and short reads); a file that ends first is `.corrupt`. The bytes go through the page
    /// cache without being mapped into this process.
    static func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int, path: String) throws(IndexError) {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IndexError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { throw IndexError.corrupt(path: path, reason: "ends before byte \(offset + count)") }
            done += n
        }
    }

    /// Replaces `directory/name` with `bytes` so that a reader (or a crash) sees the old file or the
    /// new one, never a mix: writes and fsyncs `name.tmp`, renames it over `name`, fsyncs the directory.
    static func atomicWrite(_ bytes: [UInt8], directory: String, name: String) throws(IndexError) {
        let tmp = directory + "/" + temporaryName(name)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw IndexError.io(path: tmp, operation: "create", errno: errno) }
        defer { close(fd) }
        let code = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if code != 0 { throw IndexError.io(path: tmp, operation: "write", errno: code) }
        if fsync(fd) != 0 { throw IndexError.io(path: tmp, operation: "fsync", errno: errno) }
        let final = directory + "/" + name
        if rename(tmp, final) != 0 { throw IndexError.io(path: final, operation: "rename", errno: errno) }
        try fsyncDirectory(directory)
    }

    /// The name `atomicWrite` writes before renaming (a leftover of a crash is removed by the indexer).
    static func temporaryName(_ name: String) -> String { name + ".tmp" }

    /// Makes the directory's entries (new, renamed and removed files) durable.
    static func fsyncDirectory(_ path: String) throws(IndexError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw IndexError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw IndexError.io(path: path, operation: "fsync", errno: errno) }
    }
}

/// The one `readdir` loop: the raw names of a directory's entries (`.` and `..` left out), in no
/// particular order.
enum DirectoryListing {
    /// The entries of the open directory `fd` (read through a duplicate; `fd` stays open and is not
    /// moved). Nil, with errno set, when the directory cannot be read.
    static func rawNames(fd: Int32) -> [[UInt8]]? {
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        guard let handle = fdopendir(copy) else {
            let code = errno
            close(copy)
            errno = code
            return nil
        }
        defer { closedir(handle) }
        rewinddir(handle)
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 { return nil }
                break
            }
            // Read the name in place: `entry.pointee.d_name` would copy all 256 bytes of the array,
            // past the end of a short last record in readdir's buffer (a crash on big directories).
            guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return nil }
            let name = UnsafeRawPointer(entry) + offset
            let raw = Array(UnsafeRawBufferPointer(start: name, count: strnlen(name.assumingMemoryBound(to: CChar.self), 256)))
            if raw == [0x2E] || raw == [0x2E, 0x2E] { continue }
            names.append(raw)
        }
        return names
    }

    /// The names of `path`'s entries (not UTF-8 ones repaired with U+FFFD); nil when it cannot be read.
    static func names(_ path: String) -> [String]? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return rawNames(fd: fd)?.map { String(decoding: $0, as: UTF8.self) }
    }
}
