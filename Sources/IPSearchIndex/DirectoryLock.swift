#if canImport(Glibc)
import Glibc
#endif

/// The index's write lock: an exclusive `flock` on `write.lock`, held for a whole `ipsearch index`.
/// The kernel drops it when the process dies, so a killed indexer never leaves a stale lock.
final class DirectoryLock {
    let path: String
    private let fd: Int32

    /// Takes the lock. When another process holds it, calls `waiting` once with the holder's
    /// description and then waits up to `timeout` seconds (nil: forever) before throwing `.locked`.
    init(directory: String, timeout: Double?, waiting: (String) -> Void) throws(IndexError) {
        path = directory + "/write.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw IndexError.io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buf = [UInt8](repeating: 0, count: 64)
            let n = pread(fd, &buf, 63, 0)
            let holder = n > 0 ? "pid " + String(decoding: buf[0..<n], as: UTF8.self).trimmed() : "unknown process"
            waiting(holder)
            var waited = 0.0
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if let timeout, waited >= timeout {
                    close(fd)
                    throw IndexError.locked(path: path, holder: holder)
                }
                usleep(100_000)
                waited += 0.1
            }
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

import FoundationEssentials
