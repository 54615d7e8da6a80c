import Hummingbird
import NIOCore
import IPSearch
import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// Runs `ipsearch serve` until SIGINT or SIGTERM, then shuts down gracefully (stops accepting, lets
/// requests in flight finish).
///
/// stdout gets exactly one line, the URL, once the socket is bound; everything else goes to stderr.
/// A missing or damaged index does not stop the server: it answers 503 `index_unavailable` (and
/// `/health` says `unavailable`) until `ipsearch index` commits a readable generation, which the
/// next request picks up.
public func runServer(_ configuration: ServerConfiguration) async throws {
    let standard = ServerOutput.standard
    let bound = Flag()
    let service = SearchService(indexDirectory: configuration.indexDirectory, corpusDirectory: configuration.corpusDirectory,
                                resultCacheSize: configuration.resultCacheSize, preparesSnapshots: true)
    // What the server will serve is said only once the socket is bound: a port in use is reported
    // alone, not after a line claiming to serve.
    var state: [String] = []
    do {
        let reader = try service.current().reader
        state = ["ipsearch: serving generation \(reader.generation) (\(reader.documentCount) documents) from \(configuration.indexDirectory)"]
    } catch {
        state = ["ipsearch: warning: \(error.description)",
                 "ipsearch: warning: answering 503 index_unavailable until a readable index is committed to \(configuration.indexDirectory)"]
    }
    let announcement = state
    let output = ServerOutput(listening: { url in
        bound.set()
        for line in announcement { standard.log(line) }
        standard.listening(url)
    }, log: standard.log)

    let app = buildApplication(configuration, service: service, output: output)
    do {
        // Hummingbird's ServiceGroup (swift-service-lifecycle); the default signals are SIGTERM and SIGINT.
        try await app.runService()
    } catch {
        if !bound.isSet {
            throw ServerError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)",
                                           errno: (error as? IOError)?.errnoCode)
        }
        throw error
    }
    output.log("ipsearch: server stopped")
}

/// Why `ipsearch serve` could not start.
public enum ServerError: Error, CustomStringConvertible {
    /// Binding the socket failed; `errno` is the system's code when the failure was a system call's.
    case cannotListen(host: String, port: Int, reason: String, errno: Int32?)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason, let code):
            let hint = code == EADDRINUSE ? " (another server on this port? --port 0 picks a free one)" : ""
            return "cannot listen on \(host):\(port): \(reason)" + hint
        }
    }
}

/// A one-way flag, set from the server's event loop and read after it stops.
final class Flag: @unchecked Sendable {
    private var value = false
    private let lock = Lock()
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
