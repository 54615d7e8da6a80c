import FoundationEssentials
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Minimal unbuffered-enough output helpers without Foundation's FileHandle.
struct FileHandle {
    let fd: Int32
    static let standardOutput = FileHandle(fd: 1)
    static let standardError = FileHandle(fd: 2)

    func write(_ s: String) {
        write(Data(s.utf8))
    }

    /// Writes all of `data` (a closed or full output is ignored: there is nowhere to report it).
    func write(_ data: Data) {
        _ = try? FileDescriptor(rawValue: fd).writeAll(data)
    }

    var isTerminal: Bool { isatty(fd) == 1 }
}

enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never

    /// `auto`: colour on a terminal unless NO_COLOR is set (https://no-color.org).
    func enabled(for handle: FileHandle) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
            return handle.isTerminal
        }
    }
}

enum ANSI {
    static let bold = "\u{1B}[1m"
    static let dim = "\u{1B}[2m"
    static let highlight = "\u{1B}[1;31m"
    static let reset = "\u{1B}[0m"
}
