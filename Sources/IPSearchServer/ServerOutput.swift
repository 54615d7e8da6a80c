import FoundationEssentials
import Logging
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the server writes: the listening URL (stdout, the first and only line there, so scripts can
/// read it) and log lines (stderr). Tests pass closures that collect the lines instead.
public struct ServerOutput: Sendable {
    /// Called once with `http://host:port` when the socket is bound.
    public var listening: @Sendable (String) -> Void
    /// One line per call, without the trailing newline: request lines, warnings.
    public var log: @Sendable (String) -> Void

    public init(listening: @escaping @Sendable (String) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.listening = listening
        self.log = log
    }

    /// stdout and stderr, written with `write(2)`: nothing is left in a buffer when a script reads the
    /// first line of stdout, and concurrent log lines do not interleave.
    public static let standard = ServerOutput(
        listening: { writeAll(1, $0 + "\n") },
        log: { writeAll(2, $0 + "\n") }
    )

    /// Discards everything.
    public static let silent = ServerOutput(listening: { _ in }, log: { _ in })

    /// Writes all of `text` in one `writeAll` (a closed stream is ignored: there is nowhere to report it).
    static func writeAll(_ fd: Int32, _ text: String) {
        _ = try? FileDescriptor(rawValue: fd).writeAll(text.utf8)
    }
}

/// A swift-log handler that hands each message, as one line, to `ServerOutput.log`:
/// `2025-11-22T03:41:07Z GET /search?q=%E4%B8%93%E5%88%A9 200 1.84 ms`.
///
/// Used through a `Logger` made with `Logger(label:factory:)`, so the process-wide `LoggingSystem`
/// stays untouched (tests build several apps in one process).
struct LineLogHandler: LogHandler {
    var sink: @Sendable (String) -> Void
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(sink: @escaping @Sendable (String) -> Void, level: Logger.Level) {
        self.sink = sink
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = Self.timestamp() + " "
        switch event.level {
        case .warning: line += "warning: "
        case .error, .critical: line += "error: "
        default: break
        }
        line += event.message.description
        sink(line)
    }

    /// UTC, to the second: `2025-11-22T03:41:07Z` (the same ISO 8601 style as `ipsearch stats`).
    static func timestamp() -> String {
        Date.now.formatted(.iso8601)
    }
}
