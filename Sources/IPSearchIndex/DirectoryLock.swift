#if canImport(Glibc)
import Glibc
#endif

/// The index's write lock: an exclusive `flock` on `write.lock`, held for a whole `ipsearch index`.
/// The kernel drops it when the process dies, so a killed indexer never leaves a stale lock.
///
/// The holder also takes a POSIX record lock (`fcntl F_SETLK`) on the file: a waiting process asks the
/// kernel who holds it (`F_GETLK` reports the live holder's pid) instead of trusting the pid written
/// in the file, which may be a dead process's. (The record lock is only for that report; `flock`
/// alone decides who may write, also between indexers in one process.)
final class DirectoryLock {
    let path: String
    private let fd: Int32

    /// Takes the lock. When another process holds it, calls `waiting` once with the holder's
    /// description and then waits up to `timeout` seconds (nil or +infinity: forever; NaN or
    /// negative: not at all) before throwing `.locked`.
    /// `fd` is set only once the lock is held: an initializer that throws after every stored
    /// property is set runs `deinit`, which would close the descriptor a second time (by then
    /// perhaps another thread's file).
    init(directory: String, timeout: Double?, waiting: (String) -> Void) throws(IndexError) {
        path = directory + "/write.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw IndexError.io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            waiting(Self.holder(fd))
            let started = System.now()
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                // `!(elapsed < timeout)`: a NaN timeout ends the wait instead of never comparing true.
                if let timeout, !(System.now() - started < timeout) {
                    let now = Self.holder(fd)
                    close(fd)
                    throw IndexError.locked(path: path, holder: now)
                }
                usleep(50_000)
            }
        }
        var record = flock()
        record.l_type = Int16(F_WRLCK)
        record.l_whence = Int16(SEEK_SET)
        _ = fcntl(fd, F_SETLK, &record)
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    /// "pid 1234" from the kernel's record of the lock (`F_GETLK`); the pid written in the file only
    /// when the kernel knows no holder (an indexer of this same process, or one of an older version).
    static func holder(_ fd: Int32) -> String {
        var record = flock()
        record.l_type = Int16(F_WRLCK)
        record.l_whence = Int16(SEEK_SET)
        if fcntl(fd, F_GETLK, &record) == 0, record.l_type != Int16(F_UNLCK), record.l_pid > 0 {
            return "pid \(record.l_pid)"
        }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = pread(fd, &buf, 63, 0)
        let written = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmed() : ""
        if let pid = Int32(written), pid == getpid() { return "pid \(pid), this process" }
        return "process id unknown"
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
