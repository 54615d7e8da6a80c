/// Everything that can go wrong with the on-disk index, each case naming the file and what to do.
public enum IndexError: Error, Equatable, CustomStringConvertible {
    /// No commit in the directory yet.
    case noIndex(directory: String)
    /// A file the manifest references is missing.
    case missingFile(path: String)
    /// A file's bytes are not what was written (truncated, checksum mismatch, bad structure).
    case corrupt(path: String, reason: String)
    /// Written by another version of ipsearch, newer or older (whose format this one does not read).
    case unsupportedFormat(path: String, found: UInt32, supported: UInt32)
    /// An operating system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// Another `ipsearch index` holds the write lock.
    case locked(path: String, holder: String)
    /// The corpus directory is missing or unreadable.
    case corpusUnreadable(path: String, reason: String)
    /// The manifest could not be encoded as JSON (nothing was written).
    case manifestEncoding(path: String, reason: String)

    public var description: String {
        switch self {
        case .noIndex(let dir):
            return "no index in \(dir): run `ipsearch index` to build one"
        case .missingFile(let path):
            return "index file \(path) is missing: the index is damaged; rebuild it with `ipsearch index --full`"
        case .corrupt(let path, let reason):
            return "index file \(path) is damaged (\(reason)); rebuild it with `ipsearch index --full`"
        case .unsupportedFormat(let path, let found, let supported):
            let which = found > supported ? "(or use the newer ipsearch that wrote it)" : "(an older ipsearch wrote it)"
            return "index file \(path) has format version \(found), but this ipsearch reads version \(supported): rebuild with `ipsearch index --full` \(which)"
        case .io(let path, let operation, let errno):
            return "\(operation) \(path) failed: \(String(cString: strerror(errno)))"
        case .locked(let path, let holder):
            return "another `ipsearch index` is running (\(holder); lock \(path))"
        case .corpusUnreadable(let path, let reason):
            return "cannot read the corpus \(path): \(reason)"
        case .manifestEncoding(let path, let reason):
            return "cannot encode the manifest \(path): \(reason); nothing was committed"
        }
    }

    /// Damage to the committed index, as opposed to an environment problem.
    public var isDamage: Bool {
        switch self {
        case .missingFile, .corrupt, .unsupportedFormat: return true
        default: return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
